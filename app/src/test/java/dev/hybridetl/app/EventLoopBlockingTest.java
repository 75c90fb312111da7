package dev.hybridetl.app;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.Stage;
import dev.hybridetl.io.FileSink;
import dev.hybridetl.io.FileSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole pipeline, with BlockHound watching: any blocking call on a non-blocking thread (the run's event loop)
 * throws {@link BlockingOperationError} and fails the run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventLoopBlockingTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install();
    }

    @Test
    void shouldCatchABlockingCallWhenOneRunsOnAnEventLoopThread() {
        Scheduler loop = Schedulers.newSingle("blockhound-control", true);
        try {
            Mono<Void> sleepy = Mono.<Void>fromRunnable(() -> {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).subscribeOn(loop);
            assertThatThrownBy(() -> sleepy.block(Duration.ofSeconds(10)))
                    .hasCauseInstanceOf(BlockingOperationError.class);
        } finally {
            loop.dispose();
        }
    }

    @Test
    void shouldNeverBlockTheEventLoopWhenRunningTheFlightsJob() {
        for (Path input : new Path[]{KnownAnswers.SAMPLE, KnownAnswers.EDGE_CASES}) {
            PipelineResult r = Pipeline.builder()
                    .source(FileSource.of(input))
                    .stage(Stage.plugin("flights-route").withPlacement(Placement.THREADS).withWorkers(2))
                    .sink(FileSink.of(dir.resolve("out.jsonl"), dir.resolve("rejects.tsv")))
                    .build()
                    .run();

            assertThat(r.recordsOut() + r.recordsRejected()).isEqualTo(r.recordsIn());
        }
    }
}
