package dev.hybridetl.app;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.Stage;
import dev.hybridetl.io.FileSink;
import dev.hybridetl.io.FileSource;
import dev.hybridetl.test.LeakCheck;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The flights jobs embedded through pipeline-api, as a user's service would: known answers, metrics, no leaks. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ExtendWith(LeakCheck.class)
class EmbeddingApiTest {
    @TempDir
    Path dir;

    private PipelineResult run(String transform, Placement placement, SimpleMeterRegistry registry, Path out) {
        return Pipeline.builder()
                .source(FileSource.of(KnownAnswers.SAMPLE))
                .stage(Stage.plugin(transform).withPlacement(placement).withWorkers(2))
                .sink(FileSink.of(out, dir.resolve(transform + ".rejects.tsv")))
                .meterRegistry(registry)
                .build()
                .run();
    }

    @Test
    void shouldMatchKnownAnswersForBothVariantsWhenEmbedded() throws IOException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Path enrich = dir.resolve("enrich.jsonl");
        Path route = dir.resolve("route.jsonl");

        PipelineResult e = run("flights-enrich", Placement.THREADS, registry, enrich);
        PipelineResult r = run("flights-route", Placement.THREADS, new SimpleMeterRegistry(), route);

        assertThat(KnownAnswers.sortedSha256(enrich)).isEqualTo(KnownAnswers.ENRICH_SORTED);
        assertThat(KnownAnswers.fileSha256(enrich)).startsWith(KnownAnswers.ENRICH_FILE_PREFIX);
        assertThat(KnownAnswers.sortedSha256(route)).isEqualTo(KnownAnswers.ROUTE_SORTED);
        assertThat(KnownAnswers.fileSha256(route)).startsWith(KnownAnswers.ROUTE_FILE_PREFIX);
        assertThat(e.recordsIn()).isEqualTo(200_000);
        assertThat(e.recordsOut()).isEqualTo(200_000);
        assertThat(r.recordsOut()).isEqualTo(200_000);
        assertThat(registry.get("etl.records").tag("kind", "out").counter().count()).isEqualTo(200_000);
        assertThat(registry.get("etl.stage.busy").tag("stage", "flights-enrich").timer().count())
                .isEqualTo(e.stages().get(1).batches());
    }

    @Test
    void shouldLeaveNoThreadOrOpenFileWhenRunEnds() throws Exception {
        PipelineResult r = run("flights-enrich", Placement.THREADS, new SimpleMeterRegistry(), dir.resolve("o.jsonl"));

        assertThat(r.recordsOut()).isEqualTo(200_000);
        assertThat(KnownAnswers.sortedSha256(dir.resolve("o.jsonl"))).isEqualTo(KnownAnswers.ENRICH_SORTED);
        // nothing left behind: LeakCheck
    }

    @Test
    void shouldLeaveNoOutputTempFileQueueOrWorkerWhenCancelledMidRun() throws Exception {
        Path out = dir.resolve("cancelled.jsonl");
        dev.hybridetl.api.PipelineRun run = Pipeline.builder()
                .source(FileSource.of(KnownAnswers.SAMPLE))
                .stage(Stage.plugin("flights-route").withPlacement(Placement.PROCESSES).withWorkers(2))
                .sink(FileSink.of(out, dir.resolve("cancelled.rejects.tsv")))
                .processSettings(dev.hybridetl.api.ProcessSettings.defaults().withQueueDir(dir.resolve("queues")))
                .build()
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (run.progress().recordsOut() == 0 && !run.isDone() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(run.isDone()).as("still running when cancelled").isFalse();

        run.cancel();

        assertThat(run.completion()).failsWithin(java.time.Duration.ofSeconds(30));
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("files left in the output directory").isEmpty();
        }
        // no worker, thread or queue left either: LeakCheck
    }
}
