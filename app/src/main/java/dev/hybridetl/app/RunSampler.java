package dev.hybridetl.app;

import dev.hybridetl.api.MeterNames;
import dev.hybridetl.api.PipelineRun;
import dev.hybridetl.api.Progress;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Samples a run for its report, on one daemon thread: the run's {@link Progress} and each stage's busy time every
 * {@value #INTERVAL_MS} ms, and the latest figures of every worker's meters (they are removed when their stage
 * stops, before the run completes, so the report keeps what it last saw). Memory is bounded: past
 * {@value #MAX_SAMPLES} samples every other one is dropped and the interval doubles.
 */
final class RunSampler implements AutoCloseable {
    static final long INTERVAL_MS = 500;
    static final int MAX_SAMPLES = 1_000;

    /** One point of the time series. */
    record Sample(long elapsedNanos, long recordsIn, long recordsOut, long rejected, long bytesRead,
                  Map<String, Double> stageBusyMsPerSecond) {
    }

    /**
     * The latest figures of one worker; {@code heapBytes} is the largest seen. Every figure is the largest sampled,
     * because the counters only grow and a read racing with the stage's stop reads 0.
     */
    record WorkerFigures(String stage, int worker, double busySeconds, double batches, double recordsIn,
                         double restarts, double gcSeconds, double heapBytes) {
        WorkerFigures max(WorkerFigures o) {
            return new WorkerFigures(stage, worker, Math.max(busySeconds, o.busySeconds), Math.max(batches, o.batches),
                    Math.max(recordsIn, o.recordsIn), Math.max(restarts, o.restarts), Math.max(gcSeconds, o.gcSeconds),
                    Math.max(heapBytes, o.heapBytes));
        }
    }

    private final PipelineRun run;
    private final MeterRegistry registry;
    private final Thread thread;
    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, WorkerFigures> workers = new TreeMap<>();
    private long intervalMs = INTERVAL_MS;

    private RunSampler(PipelineRun run, MeterRegistry registry) {
        this.run = run;
        this.registry = registry;
        this.thread = new Thread(this::loop, "etl-report-sampler");
        this.thread.setDaemon(true);
    }

    static RunSampler start(PipelineRun run, MeterRegistry registry) {
        RunSampler sampler = new RunSampler(run, registry);
        sampler.thread.start();
        return sampler;
    }

    private void loop() {
        try {
            while (!run.isDone()) {
                sample();
                Thread.sleep(intervalMs);
            }
        } catch (InterruptedException e) {
            // stopped
        } catch (RuntimeException e) {
            // a report must never break the run: the report shows what was sampled until here
        }
    }

    /** Takes one sample now (also the final one, after the run). */
    synchronized void sample() {
        Progress p = run.progress();
        Map<String, Double> busy = new LinkedHashMap<>();
        for (Gauge g : registry.find(MeterNames.STAGE_BUSY_MS_PER_SECOND).gauges()) {
            double v = g.value();
            busy.put(g.getId().getTag(MeterNames.STAGE), Double.isFinite(v) ? v : 0);
        }
        samples.add(new Sample(p.elapsedNanos(), p.recordsIn(), p.recordsOut(), p.recordsRejected(), p.bytesRead(),
                busy));
        if (samples.size() > MAX_SAMPLES) {
            for (int i = samples.size() - 2; i > 0; i -= 2) {
                samples.remove(i);
            }
            intervalMs *= 2;
        }
        for (FunctionCounter c : registry.find(MeterNames.WORKER_BATCHES).functionCounters()) {
            String stage = c.getId().getTag(MeterNames.STAGE);
            String worker = c.getId().getTag(MeterNames.WORKER);
            WorkerFigures now = new WorkerFigures(stage, Integer.parseInt(worker),
                    workerCount(MeterNames.WORKER_BUSY_TIME, stage, worker), c.count(),
                    workerCount(MeterNames.WORKER_RECORDS, stage, worker),
                    workerCount(MeterNames.WORKER_RESTARTS, stage, worker),
                    workerCount(MeterNames.WORKER_GC_TIME, stage, worker), workerGauge(stage, worker));
            workers.merge(stage + '\t' + worker, now, WorkerFigures::max);
        }
    }

    private double workerCount(String name, String stage, String worker) {
        var search = registry.find(name).tag(MeterNames.STAGE, stage).tag(MeterNames.WORKER, worker);
        if (name.equals(MeterNames.WORKER_RECORDS)) {
            search = search.tag(MeterNames.DIRECTION, "in");
        }
        FunctionCounter c = search.functionCounter();
        return c == null ? 0 : c.count();
    }

    private double workerGauge(String stage, String worker) {
        Gauge g = registry.find(MeterNames.WORKER_HEAP_USED).tag(MeterNames.STAGE, stage)
                .tag(MeterNames.WORKER, worker).gauge();
        return g == null || !Double.isFinite(g.value()) ? 0 : g.value();
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    synchronized List<WorkerFigures> workers() {
        return List.copyOf(workers.values());
    }

    /** Stops sampling and waits (briefly) for the thread to end. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
