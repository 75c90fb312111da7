package dev.hybridetl.test;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Source;
import dev.hybridetl.api.SourceReader;
import dev.hybridetl.api.SourceSettings;
import dev.hybridetl.test.internal.Lines;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Source} over records held in memory, numbered as the file source numbers lines: the header is line 1, the
 * first record line 2. Records are opaque bytes (strings are taken as ISO-8859-1).
 *
 * <p>Batches: by default a batch closes at the first record boundary at or after the pipeline's
 * {@code batchBytes}, as the file source does; {@link #withLinesPerBatch} fixes the number of records per batch
 * instead, so that a test knows which lines form which batch. Unlike the file source it never rejects an overlong
 * record. Immutable and reusable: each {@link #open} is an independent read; {@link #opens()} and
 * {@link #closes()} count them.
 */
public final class MemorySource implements Source {
    private final byte[] header;
    private final List<byte[]> records;
    private final int linesPerBatch;
    private final AtomicInteger opens = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();

    private MemorySource(byte[] header, List<byte[]> records, int linesPerBatch) {
        this.header = header;
        this.records = List.copyOf(records);
        this.linesPerBatch = linesPerBatch;
    }

    /** A source with this header (line 1) and these records (lines 2, 3, ...). */
    public static MemorySource of(String header, List<String> records) {
        return new MemorySource(Lines.bytes(List.of(header)).get(0), Lines.bytes(records), 0);
    }

    /** A source over whole lines, the first being the header (an empty list is an empty source). */
    public static MemorySource ofLines(List<String> lines) {
        return ofBytes(Lines.bytes(lines));
    }

    /** A source over whole lines given as bytes, the first being the header. */
    public static MemorySource ofBytes(List<byte[]> lines) {
        return lines.isEmpty() ? new MemorySource(new byte[0], List.of(), 0)
                : new MemorySource(lines.get(0), lines.subList(1, lines.size()), 0);
    }

    /** A source over a file's lines (gzip if it ends in {@code .gz}), split as the file source splits them. */
    public static MemorySource read(Path file) {
        return ofBytes(Lines.read(file));
    }

    /**
     * The same records, {@code lines} of them per batch: batch 0 holds lines 2 .. lines + 1, and so on.
     *
     * @throws IllegalArgumentException unless {@code lines} is positive
     */
    public MemorySource withLinesPerBatch(int lines) {
        if (lines < 1) {
            throw new IllegalArgumentException("lines per batch must be positive, was " + lines);
        }
        return new MemorySource(header, records, lines);
    }

    /** The header, decoded as ISO-8859-1. */
    public String header() {
        return Lines.text(header);
    }

    /** The records, in order. */
    public List<byte[]> records() {
        return records;
    }

    /** Times this source was opened. */
    public int opens() {
        return opens.get();
    }

    /** Times a reader of this source was closed (a reader counts once, however often it is closed). */
    public int closes() {
        return closes.get();
    }

    /**
     * The batches this source produces for a pipeline with this {@code batchBytes}: sequence 0, 1, 2, ... Used by
     * {@link #open}, and by tests that feed a runner directly.
     */
    public List<RecordBatch> batches(int batchBytes) {
        List<RecordBatch> batches = new ArrayList<>();
        int i = 0;
        while (i < records.size()) {
            RecordBatchBuilder b = RecordBatch.builder(batches.size());
            int bytes = 0;
            int n = 0;
            while (i < records.size() && (linesPerBatch > 0 ? n < linesPerBatch : bytes < batchBytes)) {
                byte[] r = records.get(i);
                b.add(i + 2L, r, 0, r.length);
                bytes += r.length;
                n++;
                i++;
            }
            batches.add(b.build());
        }
        return batches;
    }

    @Override
    public String description() {
        return "memory (" + records.size() + " records)";
    }

    @Override
    public Mono<SourceReader> open(SourceSettings settings) {
        return Mono.fromSupplier(() -> {
            opens.incrementAndGet();
            return new Reader(settings.batchBytes());
        });
    }

    private final class Reader implements SourceReader {
        private final int batchBytes;
        private final AtomicLong bytesRead = new AtomicLong();
        private final AtomicInteger closed = new AtomicInteger();

        Reader(int batchBytes) {
            this.batchBytes = batchBytes;
        }

        @Override
        public String header() {
            return MemorySource.this.header();
        }

        @Override
        public Flux<RecordBatch> batches() {
            return Flux.defer(() -> Flux.fromIterable(MemorySource.this.batches(batchBytes)))
                    .doOnNext(b -> bytesRead.addAndGet(b.recordBytes() + b.size()));
        }

        @Override
        public long bytesRead() {
            return bytesRead.get();
        }

        @Override
        public long sizeBytes() {
            long size = header.length + 1L;
            for (byte[] r : records) {
                size += r.length + 1L;
            }
            return size;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(0, 1)) {
                closes.incrementAndGet();
            }
        }
    }
}
