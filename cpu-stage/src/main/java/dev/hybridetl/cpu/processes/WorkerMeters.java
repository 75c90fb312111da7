package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.MeterNames;
import dev.hybridetl.ipc.WorkerCounters;
import dev.hybridetl.ipc.WorkerCounters.Field;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The pipeline's side of {@link WorkerCounters}: creates the stage's counters file before its workers start, and
 * exposes every worker's counters as Micrometer meters tagged {@code stage} and {@code worker} (names in
 * {@link MeterNames}) in the run's registry. Each read of a meter is a volatile read of shared memory, so a scrape
 * sees what the workers published at their last batch or heartbeat.
 *
 * <p>{@link #close()} removes the meters, then unmaps the file (reads after that return 0, never touch the
 * unmapped memory). Thread-safe.
 */
final class WorkerMeters implements AutoCloseable {
    private final WorkerCounters counters;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    private WorkerMeters(WorkerCounters counters, MeterRegistry registry) {
        this.counters = counters;
        this.registry = registry;
    }

    /** Creates {@code <stage dir>/counters} for {@code workers} workers and registers their meters. */
    static WorkerMeters register(Path stageDir, String stageName, int workers, MeterRegistry registry)
            throws IOException {
        WorkerMeters m = new WorkerMeters(WorkerCounters.create(WorkerCounters.file(stageDir), stageName, workers),
                registry);
        for (int w = 0; w < workers; w++) {
            m.registerWorker(stageName, w);
        }
        return m;
    }

    private void registerWorker(String stageName, int w) {
        Tags tags = Tags.of(MeterNames.STAGE, stageName, MeterNames.WORKER, Integer.toString(w));
        counter(MeterNames.WORKER_BATCHES, "batches the worker transformed", null, tags, c -> c.value(w, Field.BATCHES));
        counter(MeterNames.WORKER_RECORDS, "records the worker read", null, tags.and(MeterNames.DIRECTION, "in"),
                c -> c.value(w, Field.RECORDS_IN));
        counter(MeterNames.WORKER_RECORDS, "records the worker wrote", null, tags.and(MeterNames.DIRECTION, "out"),
                c -> c.value(w, Field.RECORDS_OUT));
        counter(MeterNames.WORKER_BUSY_TIME, "time the worker spent inside the transform", "seconds", tags,
                c -> c.value(w, Field.BUSY_NS) / 1e9);
        counter(MeterNames.WORKER_GC_COUNT, "garbage collections of the worker's JVMs", null, tags,
                c -> c.value(w, Field.GC_COUNT));
        counter(MeterNames.WORKER_GC_TIME, "time the worker's JVMs spent collecting garbage", "seconds", tags,
                c -> c.value(w, Field.GC_TIME_MS) / 1e3);
        counter(MeterNames.WORKER_RESTARTS, "times the worker's JVM was replaced", null, tags,
                c -> Math.max(0, c.value(w, Field.STARTS) - 1));
        gauge(MeterNames.WORKER_HEAP_USED, "heap in use at the worker's last heartbeat", "bytes", tags,
                c -> c.value(w, Field.HEAP_USED_BYTES));
        gauge(MeterNames.WORKER_HEARTBEAT_AGE, "time since the worker's last heartbeat", "seconds", tags, c -> {
            long at = c.value(w, Field.HEARTBEAT_MS);
            return at == 0 ? Double.NaN : Math.max(0, System.currentTimeMillis() - at) / 1e3;
        });
    }

    private void counter(String name, String description, String unit, Tags tags,
                         ToDoubleFunction<WorkerCounters> f) {
        meters.add(FunctionCounter.builder(name, counters, f).description(description).baseUnit(unit).tags(tags)
                .register(registry));
    }

    private void gauge(String name, String description, String unit, Tags tags, ToDoubleFunction<WorkerCounters> f) {
        meters.add(Gauge.builder(name, counters, f).description(description).baseUnit(unit).tags(tags)
                .strongReference(true).register(registry));
    }

    /** Removes the meters from the registry, then unmaps the file. Idempotent; never throws. */
    @Override
    public void close() {
        try {
            meters.forEach(registry::remove);
        } catch (RuntimeException e) {
            // a registry that fails to remove a meter must not stop the stage from stopping
        } finally {
            counters.close();
        }
    }

}
