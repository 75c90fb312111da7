package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.MeterNames;
import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.PipelineRun;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.Stage;
import dev.hybridetl.test.LeakCheck;
import dev.hybridetl.test.MemorySink;
import dev.hybridetl.test.MemorySource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Worker JVMs publish their counters through shared memory; the pipeline shows them as meters while they run. */
@Timeout(120)
@ExtendWith(LeakCheck.class)
class WorkerMetersTest {
    private static final List<String> LINES = IntStream.range(0, 2000).mapToObj(i -> "row " + i)
            .collect(Collectors.toList());

    @Test
    void shouldShowEachWorkersCountersMovingDuringTheRunAndRemoveThemAfterIt() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        PipelineRun run = Pipeline.builder()
                .source(MemorySource.of("id", LINES).withLinesPerBatch(20))
                .stage(Stage.plugin("test-kit-upper").withName("slow").withConfig("delayMs", "30")
                        .withPlacement(Placement.PROCESSES).withWorkers(2))
                .sink(new MemorySink())
                .meterRegistry(registry)
                .build()
                .start();

        awaitTrue(() -> batches(registry, "0") >= 1 && batches(registry, "1") >= 1 || run.isDone());
        double first = batches(registry, "0") + batches(registry, "1");
        awaitTrue(() -> batches(registry, "0") + batches(registry, "1") > first || run.isDone());
        double second = batches(registry, "0") + batches(registry, "1");
        assertThat(run.isDone()).as("the run is still going after two reads").isFalse();
        assertThat(second).isGreaterThan(first);

        FunctionCounter busy = registry.get(MeterNames.WORKER_BUSY_TIME).tag(MeterNames.WORKER, "0").functionCounter();
        assertThat(busy.count()).as("seconds inside a 30 ms-per-batch transform").isGreaterThan(0.02);
        assertThat(registry.get(MeterNames.WORKER_RECORDS).tag(MeterNames.WORKER, "1")
                .tag(MeterNames.DIRECTION, "in").functionCounter().count()).isGreaterThanOrEqualTo(20);
        assertThat(registry.get(MeterNames.WORKER_HEAP_USED).tag(MeterNames.STAGE, "slow")
                .tag(MeterNames.WORKER, "1").gauge().value()).isPositive();
        assertThat(registry.get(MeterNames.WORKER_RESTARTS).tag(MeterNames.WORKER, "0").functionCounter().count())
                .isZero();
        assertThat(registry.get(MeterNames.STAGE_QUEUE_DEPTH).tag(MeterNames.STAGE, "slow").gauge().value())
                .as("batches in the stage's window").isBetween(0.0, 6.0);

        PipelineResult result = run.await();
        assertThat(result.recordsOut()).isEqualTo(LINES.size());
        assertThat(registry.find(MeterNames.WORKER_BATCHES).meters()).as("removed with the stage").isEmpty();
        assertThat(registry.find(MeterNames.STAGE_QUEUE_DEPTH).meters()).as("removed with the run").isEmpty();
    }

    private static double batches(MeterRegistry registry, String worker) {
        FunctionCounter c = registry.find(MeterNames.WORKER_BATCHES).tag(MeterNames.WORKER, worker).functionCounter();
        return c == null ? 0 : c.count();
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 60 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
