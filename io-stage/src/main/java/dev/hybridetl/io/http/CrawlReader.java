package dev.hybridetl.io.http;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.SourceReader;
import dev.hybridetl.api.SourceSettings;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * The crawl as a {@link SourceReader}: URL lines → a window of fetches in list order → batches.
 *
 * <pre>
 *   URL list ──generate, blocking scheduler──► lines
 *       ──flatMapSequential(fetch, concurrency, 1)──► outcomes
 *       ──publishOn(run's event loop)──► cut into batches of ~batchBytes ──► RecordBatch 0, 1, 2, ...
 * </pre>
 *
 * <p>{@code flatMapSequential} is the bounded window: it starts at most {@code concurrency} fetches, releases
 * their outcomes in list order, and starts the next only when the oldest has gone downstream; so when the CPU stage
 * stops taking batches, the window fills and fetching stops (backpressure reaches the sockets). A slow URL at the
 * head of the window holds back those after it, which is the price of output in input order with bounded memory.
 *
 * <p>Package-private, as every class of the source but {@link HttpSource} and {@link HttpRecord}.
 */
final class CrawlReader implements SourceReader {
    /** Room left in a record for its header lines: two URLs of at most 4 KiB and three cut header values. */
    static final int HEADER_ROOM_BYTES = 16 * 1024;
    /** Outcomes queued between the window and the batch cutter, beyond the window itself. */
    private static final int HANDOFF_PREFETCH = 4;
    /** A batch of only dead letters (a list of bad URLs) closes at this count, whatever its bytes. */
    private static final int MAX_BATCH_RECORDS = 4096;

    private final UrlLines lines;
    private final FetchLimits limits;
    private final SourceSettings settings;
    private final Fetcher fetcher;
    private final long sizeBytes;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long consumedBytes;

    private CrawlReader(UrlLines lines, FetchLimits limits, SourceSettings settings, int maxBodyBytes,
                        long sizeBytes) {
        this.lines = lines;
        this.limits = limits;
        this.settings = settings;
        this.sizeBytes = sizeBytes;
        this.fetcher = new Fetcher(limits, maxBodyBytes, settings.eventLoop());
    }

    /**
     * Opens the list on the blocking scheduler.
     *
     * @return the reader, or an {@link IOException} naming the list; an {@link IllegalStateException} if the
     *     pipeline's record size leaves no room for a body
     */
    static Mono<SourceReader> open(Path urls, FetchLimits limits, SourceSettings settings) {
        long room = settings.maxRecordBytes() - (long) HEADER_ROOM_BYTES;
        if (room < 1) {
            return Mono.error(new IllegalStateException("the maximum record size (" + settings.maxRecordBytes()
                    + " bytes) leaves no room for a response body: the HTTP source needs more than "
                    + HEADER_ROOM_BYTES + " bytes"));
        }
        int maxBodyBytes = (int) Math.min(Math.min(limits.maxResponseBytes(), room), Integer.MAX_VALUE - 8);
        return Mono.fromCallable(() -> {
                    UrlLines opened = openList(urls);
                    return (SourceReader) new CrawlReader(opened, limits, settings, maxBodyBytes, sizeOf(urls));
                })
                .subscribeOn(settings.blocking())
                .doOnDiscard(CrawlReader.class, CrawlReader::close);
    }

    private static UrlLines openList(Path urls) throws IOException {
        if (Files.isDirectory(urls)) {
            throw new IOException("the URL list " + urls + " is a directory");
        }
        try {
            return UrlLines.open(urls);
        } catch (NoSuchFileException e) {
            throw new IOException("the URL list " + urls + " does not exist", e);
        } catch (IOException e) {
            throw new IOException("cannot read the URL list " + urls + ": " + e.getMessage(), e);
        }
    }

    private static long sizeOf(Path urls) {
        try {
            return Files.isRegularFile(urls) ? Files.size(urls) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** The record format's name: see {@link HttpRecord#FORMAT}. */
    @Override
    public String header() {
        return HttpRecord.FORMAT;
    }

    @Override
    public Flux<RecordBatch> batches() {
        if (!subscribed.compareAndSet(false, true)) {
            return Flux.error(new IllegalStateException("batches() may be subscribed once"));
        }
        Flux<UrlLine> urlLines = Flux.<UrlLine>generate(sink -> {
            try {
                UrlLine line = lines.next();
                if (line == null) {
                    sink.complete();
                } else {
                    sink.next(line);
                }
            } catch (IOException e) {
                sink.error(new IOException("cannot read the URL list: " + e.getMessage(), e));
            }
        }).subscribeOn(settings.blocking());
        return Flux.defer(() -> {
            BatchCut cut = new BatchCut(settings.batchBytes());
            long[] sequence = {0};
            return urlLines
                    .doOnNext(line -> consumedBytes = line.endOffset())
                    .flatMapSequential(fetcher::fetch, limits.concurrency(), 1)
                    .publishOn(settings.eventLoop(), HANDOFF_PREFETCH)
                    .bufferUntil(cut)
                    .map(outcomes -> toBatch(sequence[0]++, outcomes));
        });
    }

    private RecordBatch toBatch(long sequence, List<FetchOutcome> outcomes) {
        long start = System.nanoTime();
        int bytes = 0;
        for (FetchOutcome o : outcomes) {
            bytes += o.record() == null ? 0 : o.record().length;
        }
        RecordBatchBuilder batch = RecordBatch.builder(sequence, bytes, outcomes.size());
        long now = System.currentTimeMillis();
        int records = 0;
        for (FetchOutcome o : outcomes) {
            if (o.record() != null) {
                batch.add(o.line().number(), o.record(), 0, o.record().length);
                records++;
            } else {
                batch.reject(new Reject(o.line().number(), o.reason(), o.raw(), Reject.SOURCE, o.attempts(), now));
            }
        }
        settings.metrics().recordBatch(System.nanoTime() - start, outcomes.size(), records,
                outcomes.size() - records);
        return batch.build();
    }

    /** Bytes of the URL list read so far. */
    @Override
    public long bytesRead() {
        return consumedBytes;
    }

    /** Size of the URL list, or -1 for a stream. */
    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    /** Closes every connection, the event loop and the list. Idempotent; never throws. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        fetcher.close();
        try {
            lines.close();
        } catch (IOException | RuntimeException ignored) {
            // Nothing was written; the descriptor goes with it.
        }
    }

    /** Closes a batch at the first outcome at or past {@code batchBytes}. One per subscription, serial calls. */
    private static final class BatchCut implements Predicate<FetchOutcome> {
        private final int batchBytes;
        private long bytes;
        private int count;

        BatchCut(int batchBytes) {
            this.batchBytes = batchBytes;
        }

        @Override
        public boolean test(FetchOutcome outcome) {
            bytes += outcome.bytes();
            count++;
            if (bytes >= batchBytes || count >= MAX_BATCH_RECORDS) {
                bytes = 0;
                count = 0;
                return true;
            }
            return false;
        }
    }
}
