package dev.hybridetl.web;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.PipelineRun;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.Stage;
import dev.hybridetl.io.FileSink;
import dev.hybridetl.io.http.HttpSource;
import dev.hybridetl.test.LeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A crawl stuck on servers that never answer, with a timeout far longer than the test: cancelling it ends the run
 * and drops every connection at once, and nothing is published.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrawlCancelTest {
    private static final int CONCURRENCY = 6;

    @TempDir
    Path dir;

    @Test
    void shouldCloseEveryConnectionAndEndTheRunWhenCancelledMidCrawl() throws Exception {
        try (CorpusServer server = new CorpusServer()) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                lines.add("http://127.0.0.1:" + server.primaryPort() + "/hang/" + i);
            }
            Path urls = Files.write(dir.resolve("urls.txt"), lines);
            Path out = dir.resolve("pages.jsonl");
            PipelineRun run = Pipeline.builder()
                    .source(HttpSource.of(urls).withConcurrency(CONCURRENCY).withPerHost(CONCURRENCY)
                            .withTimeout(Duration.ofMinutes(10)))
                    .stage(Stage.plugin("web-page").withPlacement(Placement.THREADS).withWorkers(1))
                    .sink(FileSink.of(out, dir.resolve("rejects.tsv")))
                    .build()
                    .start();

            await(() -> server.activeNow() == CONCURRENCY, "the window to fill with unanswered requests");
            run.cancel();

            assertThatThrownBy(() -> run.completion().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(PipelineException.class)
                    .cause().hasMessageContaining("cancelled");
            await(() -> server.activeNow() == 0, "the server to see every connection closed");
            assertThat(server.maxConcurrent()).isEqualTo(CONCURRENCY);
            assertThat(out).doesNotExist();
        }
    }

    /** Polls a condition until it holds; the class timeout bounds the wait. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
