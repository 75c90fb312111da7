package dev.hybridetl.io;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.SinkSettings;
import dev.hybridetl.api.SourceReader;
import dev.hybridetl.api.SourceSettings;
import dev.hybridetl.api.StageMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Runs the io-stage pieces without the full pipeline: owns the two schedulers a run would own, and offers small
 * helpers to read a source, copy source to sink, and wait on conditions with a deadline.
 */
final class TestRuns implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** Every thread the tests create carries this prefix, so that a leak report says whose it is. */
    static final String THREAD_PREFIX = "io-test-";

    final Scheduler eventLoop = Schedulers.newSingle(THREAD_PREFIX + "loop", true);
    final Scheduler blocking = Schedulers.newBoundedElastic(2, 1000, THREAD_PREFIX + "blocking", 10, true);
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final StageMetrics sourceMetrics = new StageMetrics("source", "source", registry);
    final StageMetrics sinkMetrics = new StageMetrics("sink", "sink", registry);

    SourceSettings sourceSettings(int batchBytes, int maxRecordBytes) {
        return new SourceSettings(batchBytes, maxRecordBytes, eventLoop, blocking, sourceMetrics);
    }

    SinkSettings sinkSettings() {
        return new SinkSettings(eventLoop, blocking, sinkMetrics);
    }

    /** What a source produced. */
    record Read(String header, List<RecordBatch> batches) {
        /** Records as "position:text". */
        List<String> records() {
            List<String> out = new ArrayList<>();
            for (RecordBatch b : batches) {
                for (int i = 0; i < b.size(); i++) {
                    out.add(b.position(i) + ":" + new String(b.recordCopy(i), StandardCharsets.ISO_8859_1));
                }
            }
            return out;
        }

        List<Reject> rejects() {
            return batches.stream().flatMap(b -> b.rejects().stream()).toList();
        }
    }

    /** Opens, reads everything, closes. */
    Read readAll(FileSource source, SourceSettings settings) {
        SourceReader reader = source.open(settings).block(TIMEOUT);
        try {
            List<RecordBatch> batches = reader.batches().collectList().block(TIMEOUT);
            return new Read(reader.header(), batches);
        } finally {
            reader.close();
        }
    }

    /** Source -> identity map -> sink, as the engine wires it (delivery on the event loop). */
    Mono<Void> copy(FileSource source, FileSink sink, SourceSettings settings) {
        return copy(source, sink, settings, batches -> batches);
    }

    /** As {@link #copy(FileSource, FileSink, SourceSettings)}, with {@code between} applied to the batches. */
    Mono<Void> copy(FileSource source, FileSink sink, SourceSettings settings,
                    java.util.function.UnaryOperator<reactor.core.publisher.Flux<RecordBatch>> between) {
        return Mono.usingWhen(source.open(settings),
                reader -> sink.write(between.apply(reader.batches().map(b -> b)).publishOn(eventLoop, 2),
                        sinkSettings()),
                reader -> Mono.fromRunnable(reader::close));
    }

    /** The oracle: how BufferedReader.readLine splits the text, as "position:text" after the header. */
    static List<String> expectedRecords(String text) throws IOException {
        List<String> lines = new BufferedReader(new StringReader(text)).lines().toList();
        List<String> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            out.add((i + 1) + ":" + lines.get(i));
        }
        return out;
    }

    static String expectedHeader(String text) {
        List<String> lines = new BufferedReader(new StringReader(text)).lines().toList();
        return lines.isEmpty() ? "" : lines.get(0);
    }

    static Path write(Path file, String text) throws IOException {
        return Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    static Path writeGzip(Path file, String text) throws IOException {
        return Files.write(file, gzip(text));
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }

    /** Makes a FIFO with the real {@code mkfifo}. */
    static Path mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("mkfifo " + path + " failed: " + out);
        }
        return path;
    }

    /**
     * Writes {@code bytes} into the FIFO from a thread of its own, in small pieces with pauses, so that the reader
     * sees partial reads; the open blocks until the reader has opened its end.
     */
    static Thread feed(Path fifo, byte[] bytes) {
        Thread t = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                for (int at = 0; at < bytes.length; at += 777) {
                    out.write(bytes, at, Math.min(777, bytes.length - at));
                    out.flush();
                    if (at % (777 * 16) == 0) {
                        LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, THREAD_PREFIX + "feed");
        t.start();
        return t;
    }

    /** Reads the FIFO to its end on a thread of its own; the future holds what was read. */
    static CompletableFuture<byte[]> drain(Path fifo) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(Files.readAllBytes(fifo));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, THREAD_PREFIX + "drain");
        t.start();
        return result;
    }

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        }
        return bytes.toByteArray();
    }

    /** Names in {@code dir} that look like our temp files. */
    static List<String> tempFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-")).toList();
        }
    }

    /** Polls {@code condition} every 10 ms until it holds; fails after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    /** Polls {@code condition} every 10 ms for {@code period}; fails as soon as it does not hold. */
    static void holdsFor(String what, Duration period, BooleanSupplier condition) {
        long deadline = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < deadline) {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("no longer true: " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    @Override
    public void close() {
        eventLoop.dispose();
        blocking.dispose();
    }
}
