package dev.hybridetl.app;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.PipelineRun;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.SourcePosition;
import dev.hybridetl.api.Stage;
import dev.hybridetl.io.stream.FollowedFileSource;
import dev.hybridetl.io.stream.RollingFileSink;
import dev.hybridetl.io.stream.TcpLineSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.blockhound.BlockHound;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Never-ending runs through the API, against real sockets and files: a TCP producer faster than the workers (memory
 * stays bounded, the producer is stalled by TCP flow control, nothing is lost or duplicated across a drain), a
 * drain by {@link PipelineRun#stop()} on both placements, and a followed file appended to, rotated by rename and by
 * truncation, then resumed from its position. BlockHound polices every non-blocking thread (the run's event loop
 * and Netty's) throughout.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StreamRunTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int BATCH_BYTES = 64 * 1024;

    @TempDir
    Path dir;

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install();
    }

    private static Stage slowUpperCase(Placement where, long delayMs) {
        return Stage.plugin("test-kit-upper").withConfig(Map.of("delayMs", Long.toString(delayMs)))
                .withPlacement(where).withWorkers(2);
    }

    @Test
    void shouldStallTheProducerAndBoundMemoryWhenWorkersFallBehind() throws Exception {
        long lines = 3_000_000; // ~300 MB: far more than the heap could buffer, were the socket read ahead of demand
        Path out = dir.resolve("parts");
        try (StreamProducer producer = new StreamProducer(lines, null)) {
            long heapBefore = usedHeapAfterGc();
            PipelineRun run = Pipeline.builder()
                    .source(TcpLineSource.parse(producer.address()))
                    .stage(slowUpperCase(Placement.THREADS, 20))
                    .sink(RollingFileSink.of(out).withRollBytes(1024 * 1024))
                    .batchBytes(BATCH_BYTES)
                    .build()
                    .start();
            awaitCondition(() -> run.progress().recordsOut() >= 20_000, "20,000 records written");
            long heapDuring = usedHeapAfterGc();
            long written = producer.bytesWritten();
            var progress = run.progress();
            long read = progress.bytesRead();
            long processed = progress.recordsOut() * (StreamProducer.line(1).length() + 1);

            System.out.printf("backpressure: producer wrote %,d bytes of %,d lines, pipeline read %,d and wrote %,d, "
                    + "heap growth %,d bytes%n", written, lines, read, processed, heapDuring - heapBefore);
            // Flow control: the producer is stalled far short of its 300 MB, within a few buffers of what was read.
            assertThat(producer.allWritten()).as("the producer must be blocked, not finished").isFalse();
            assertThat(written - read).as("bytes the producer got rid of but the pipeline has not read")
                    .isLessThan(32L * 1024 * 1024);
            // Read on demand: the source is ahead of the writer by the in-flight window (6 batches of 64 KiB per
            // stage, the reorder window, a chunk, the lingering batch), not by what the producer could send.
            assertThat(read - processed).as("bytes read but not yet written").isLessThan(8L * 1024 * 1024);
            assertThat(heapDuring - heapBefore).as("heap growth while the producer pushes 300 MB")
                    .isLessThan(96L * 1024 * 1024);

            run.stop();
            PipelineResult result = run.await(WAIT);
            assertThat(result.recordsRejected()).isZero();
            assertThat(result.recordsOut()).isEqualTo(result.recordsIn()).isGreaterThanOrEqualTo(20_000);
            assertThat(run.position()).as("a socket cannot be read again").isEmpty();
            // Exactly the first N lines sent, each once, in order: a drain loses nothing it read.
            assertThat(StreamParts.lines(out)).isEqualTo(StreamParts.upperCasedProducerLines(result.recordsOut()));
            assertThat(StreamParts.parts(out)).hasSizeGreaterThan(1);
            assertThat(StreamParts.others(out)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void shouldCommitEverythingReadWhenStoppedOnEitherPlacement(Placement where) throws Exception {
        long lines = 20_000;
        Path out = dir.resolve("parts-" + where.cliName());
        try (StreamProducer producer = new StreamProducer(lines, "999999999,a partial line, never ended")) {
            PipelineRun run = Pipeline.builder()
                    .source(TcpLineSource.parse(producer.address()))
                    .stage(slowUpperCase(where, 0))
                    .sink(RollingFileSink.of(out).withRollEvery(Duration.ofMillis(200)))
                    .batchBytes(BATCH_BYTES)
                    .build()
                    .start();
            awaitCondition(() -> run.progress().recordsIn() >= lines, "every whole line read");
            assertThat(run.progress().unbounded()).isTrue();
            assertThat(run.progress().etaNanos()).isEqualTo(-1);
            assertThat(run.isDone()).as("a stream run has no result until stopped").isFalse();

            run.stop();
            PipelineResult result = run.await(WAIT);
            assertThat(result.recordsIn()).isEqualTo(lines);
            // the rolling sink counts what it wrote, as the file sink does (the summary's sink row)
            assertThat(result.stages().get(result.stages().size() - 1).recordsOut()).isEqualTo(lines);
            assertThat(StreamParts.lines(out)).isEqualTo(StreamParts.upperCasedProducerLines(lines));
            assertThat(StreamParts.others(out)).isEmpty();
        }
    }

    @Test
    void shouldEndEmptyWhenStoppedBeforeTheHeaderArrives() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            PipelineRun run = Pipeline.builder()
                    .source(TcpLineSource.of("127.0.0.1", silent.getLocalPort()))
                    .stage(slowUpperCase(Placement.THREADS, 0))
                    .sink(RollingFileSink.of(dir.resolve("parts")))
                    .build()
                    .start();
            try (java.net.Socket connected = silent.accept()) {
                run.stop();
                PipelineResult result = run.await(WAIT);
                assertThat(result.recordsIn()).isZero();
                connected.setSoTimeout((int) WAIT.toMillis());
                assertThat(closedByPeer(connected)).as("the run closed its connection").isTrue();
            }
        }
    }

    @Test
    void shouldReadEveryLineOnceWhenTheFollowedFileIsRotatedByRenameAndByTruncation() throws Exception {
        Path log = dir.resolve("app.csv");
        Path out = dir.resolve("parts");
        List<String> sent = new ArrayList<>();
        Files.writeString(log, StreamProducer.HEADER + "\n");
        append(log, sent, 1, 1_000);
        PipelineRun run = followRun(FollowedFileSource.of(log), out).start();
        awaitCondition(() -> run.progress().recordsIn() >= 1_000, "the first lines");
        append(log, sent, 1_001, 2_000);
        awaitCondition(() -> run.progress().recordsIn() >= 2_000, "appended lines");

        // Rotation by rename: lines still appended to the renamed file come first, then the new file's.
        Files.move(log, dir.resolve("app.csv.1"));
        append(dir.resolve("app.csv.1"), sent, 2_001, 2_100);
        append(log, sent, 2_101, 3_000);
        awaitCondition(() -> run.progress().recordsIn() >= 3_000, "the new file after a rename");

        // Rotation by truncation (copytruncate): the file starts again, shorter than what was read of it.
        try (var channel = Files.newByteChannel(log, StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
        append(log, sent, 3_001, 3_050);
        awaitCondition(() -> run.progress().recordsIn() >= 3_050, "the truncated file");

        run.stop();
        PipelineResult first = run.await(WAIT);
        assertThat(first.recordsIn()).isEqualTo(3_050);
        SourcePosition at = run.position().orElseThrow();
        assertThat(at.header()).isEqualTo(StreamProducer.HEADER);
        assertThat(at.nextRecord()).isEqualTo(3_052); // line 1 is the header

        // Resume: lines appended while nothing followed the file are read once, numbering goes on.
        append(log, sent, 3_051, 4_000);
        PipelineRun resumed = followRun(FollowedFileSource.of(log).resumingAt(at), out).start();
        awaitCondition(() -> resumed.progress().recordsIn() >= 950, "the lines appended in between");
        resumed.stop();
        assertThat(resumed.await(WAIT).recordsIn()).isEqualTo(950);

        List<String> expected = sent.stream().map(s -> s.toUpperCase(Locale.ROOT)).toList();
        assertThat(StreamParts.lines(out)).isEqualTo(expected);
        assertThat(StreamParts.others(out)).isEmpty();
    }

    private static Pipeline followRun(FollowedFileSource source, Path out) {
        return Pipeline.builder()
                .source(source.withPollInterval(Duration.ofMillis(20)))
                .stage(slowUpperCase(Placement.THREADS, 0))
                .sink(RollingFileSink.of(out).withRollEvery(Duration.ofMillis(300)))
                .batchBytes(BATCH_BYTES)
                .build();
    }

    /** Appends records {@code from..to} of {@link StreamProducer#line} to {@code file}, and to {@code sent}. */
    static void append(Path file, List<String> sent, long from, long to) throws IOException {
        StringBuilder text = new StringBuilder();
        for (long i = from; i <= to; i++) {
            String line = StreamProducer.line(i);
            sent.add(line);
            text.append(line).append('\n');
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** True once the peer has closed {@code socket} (end of stream, or a reset); false if it stays open. */
    private static boolean closedByPeer(java.net.Socket socket) {
        try {
            return socket.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Waits for {@code condition}, looking every few milliseconds, up to {@link #WAIT}. */
    static void awaitCondition(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
