package dev.hybridetl.io;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves the event loop never blocks: real source -> identity -> sink runs with BlockHound policing the
 * {@code Schedulers.newSingle} event loop (a non-blocking thread), over plain and gzip input.
 */
class BlockHoundTest {
    private static final int BIG = 1 << 20;

    @TempDir
    Path dir;

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install();
    }

    @Test
    void shouldFailWhenEventLoopBlocks() {
        try (TestRuns runs = new TestRuns()) {
            StepVerifier.create(Mono.fromRunnable(BlockHoundTest::sleepBriefly).subscribeOn(runs.eventLoop))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(BlockingOperationError.class))
                    .verify(TestRuns.TIMEOUT);
        }
    }

    @Test
    void shouldNotBlockEventLoopWhenCopyingPlainInput() throws IOException {
        copyWithBlockHound(TestRuns.write(dir.resolve("in.csv"), FlowTest.sample(20_000)));
    }

    @Test
    void shouldNotBlockEventLoopWhenCopyingGzipInput() throws IOException {
        copyWithBlockHound(TestRuns.writeGzip(dir.resolve("in.csv.gz"), FlowTest.sample(20_000)));
    }

    @Test
    void shouldNotBlockEventLoopWhenCheckpointingAtEveryBatch() throws IOException {
        Path in = TestRuns.writeGzip(dir.resolve("in.csv.gz"), FlowTest.sample(20_000));
        Path out = dir.resolve("out.csv");
        Path rej = dir.resolve("rej.txt");
        try (TestRuns runs = new TestRuns(); DurableRun run = DurableRun.open(in, out, rej, java.util.Map.of(),
                DurableRun.Start.FRESH, DurableRun.Options.defaults().withCheckpointEvery(java.time.Duration.ofNanos(1)))) {
            StepVerifier.create(runs.copy(FileSource.of(in).withChunkBytes(8192).withCheckpoints(run),
                            FileSink.of(out, rej).withCheckpoints(run), runs.sourceSettings(2048, BIG)))
                    .expectComplete()
                    .verify(TestRuns.TIMEOUT);
        }
        assertThat(java.nio.file.Files.size(out)).isGreaterThan(100_000L);
    }

    @Test
    void shouldNotBlockEventLoopWhenCopyingFromFifoToFifo() throws Exception {
        String text = FlowTest.sample(20_000);
        Path in = TestRuns.mkfifo(dir.resolve("in.pipe"));
        Path out = TestRuns.mkfifo(dir.resolve("out.pipe"));
        Thread writer = TestRuns.feed(in, text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        var drained = TestRuns.drain(out);
        try (TestRuns runs = new TestRuns()) {
            StepVerifier.create(runs.copy(FileSource.of(in).withChunkBytes(8192),
                            FileSink.of(out, dir.resolve("rej.txt")), runs.sourceSettings(2048, BIG)))
                    .expectComplete()
                    .verify(TestRuns.TIMEOUT);
        }
        writer.join(TestRuns.TIMEOUT.toMillis());
        assertThat(drained.get(TestRuns.TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                .hasSizeGreaterThan(100_000);
    }

    private void copyWithBlockHound(Path in) throws IOException {
        Path out = dir.resolve("out.csv");
        try (TestRuns runs = new TestRuns()) {
            StepVerifier.create(runs.copy(FileSource.of(in).withChunkBytes(8192),
                            FileSink.of(out, dir.resolve("rej.txt")), runs.sourceSettings(2048, BIG)))
                    .expectComplete()
                    .verify(TestRuns.TIMEOUT);
        }
        assertThat(java.nio.file.Files.size(out)).isGreaterThan(100_000L);
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
