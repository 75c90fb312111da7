package dev.hybridetl.api;

import dev.hybridetl.api.spi.StageRunner;
import dev.hybridetl.api.spi.StageRunnerContext;
import dev.hybridetl.api.spi.StageRunnerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal THREADS runner for the engine's own tests (the real one lives in cpu-stage, which this module cannot
 * see): one transform per call on a private parallel scheduler, with a random delay so results come back out of
 * order.
 */
public final class TestRunnerFactory implements StageRunnerFactory {
    @Override
    public Placement placement() {
        return Placement.THREADS;
    }

    @Override
    public StageRunner start(StageRunnerContext ctx) throws Exception {
        Transform probe = ctx.stage().newTransform();
        probe.open(new TransformContext(ctx.stage().name(), ctx.stage().config(), ctx.header(), 0));
        Scheduler scheduler = Schedulers.newParallel("test-runner", 2, true);
        return new StageRunner() {
            @Override
            public Mono<RecordBatch> process(RecordBatch batch) {
                return Mono.delay(Duration.ofMillis(ThreadLocalRandom.current().nextInt(3)), scheduler)
                        .map(tick -> {
                            RecordBatchBuilder out = RecordBatch.builder(batch.sequence());
                            synchronized (probe) {
                                try {
                                    probe.process(batch, out);
                                } catch (Exception e) {
                                    throw new IllegalStateException(e.getMessage(), e);
                                }
                            }
                            RecordBatch b = out.build();
                            ctx.metrics().recordBatch(1, batch.size(), b.size(), b.rejects().size());
                            return b;
                        });
            }

            @Override
            public List<StageResult.WorkerResult> workerResults() {
                return List.of(new StageResult.WorkerResult(0, 0, 0, 0, 0));
            }

            @Override
            public void close() {
                scheduler.dispose();
            }
        };
    }
}
