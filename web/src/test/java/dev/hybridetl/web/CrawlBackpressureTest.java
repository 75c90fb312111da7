package dev.hybridetl.web;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.PipelineRun;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Stage;
import dev.hybridetl.api.Transform;
import dev.hybridetl.io.FileSink;
import dev.hybridetl.io.http.HttpSource;
import dev.hybridetl.test.LeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backpressure reaches the sockets: while the CPU stage is stuck, the crawl fetches no more than its window and the
 * few batches the pipeline holds in flight, however long the list; once the stage moves again, every URL is
 * fetched exactly once.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrawlBackpressureTest {
    private static final int URLS = 400;
    private static final int CONCURRENCY = 4;
    private static final int IN_FLIGHT_BATCHES = 2;
    /**
     * What may be fetched while the stage holds its first batch, one URL per batch: the window, the source's
     * hand-off, the batch being cut, the stage's in-flight batches and the engine's hand-off to the sink, with margin.
     */
    private static final int MAX_FETCHED_WHILE_STUCK = 40;

    @TempDir
    Path dir;

    @Test
    void shouldStopFetchingWhileTheCpuStageIsStuck() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (CorpusServer server = new CorpusServer()) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < URLS; i++) {
                lines.add("http://127.0.0.1:" + server.primaryPort() + "/page/" + i);
            }
            Path urls = Files.write(dir.resolve("urls.txt"), lines);
            Transform slow = (in, out) -> {
                if (in.sequence() == 0) {
                    stuck.countDown();
                    release.await();
                }
                copy(in, out);
            };
            PipelineRun run = Pipeline.builder()
                    .source(HttpSource.of(urls).withConcurrency(CONCURRENCY).withPerHost(CONCURRENCY))
                    .stage(Stage.local("stuck", () -> slow).withPlacement(Placement.THREADS).withWorkers(1))
                    .sink(FileSink.of(dir.resolve("out.bin"), dir.resolve("rejects.tsv")))
                    .batchBytes(1)
                    .maxInFlightBatches(IN_FLIGHT_BATCHES)
                    .build()
                    .start();

            assertThat(stuck.await(30, TimeUnit.SECONDS)).isTrue();
            // Give an unbounded crawl time to show itself: it would fetch the whole list in this second.
            Thread.sleep(1000);
            int fetchedWhileStuck = totalHits(server, URLS);
            release.countDown();
            PipelineResult result = run.await();

            assertThat(fetchedWhileStuck).isBetween(CONCURRENCY, MAX_FETCHED_WHILE_STUCK);
            assertThat(result.recordsOut()).isEqualTo(URLS);
            for (int i = 0; i < URLS; i++) {
                assertThat(server.hits("/page/" + i)).as("/page/" + i).isEqualTo(1);
            }
        }
    }

    private static void copy(RecordBatch in, dev.hybridetl.api.RecordBatchBuilder out) {
        for (int i = 0; i < in.size(); i++) {
            out.add(in.position(i), "page " + in.position(i));
        }
    }

    private static int totalHits(CorpusServer server, int urls) {
        int hits = 0;
        for (int i = 0; i < urls; i++) {
            hits += server.hits("/page/" + i);
        }
        return hits;
    }
}
