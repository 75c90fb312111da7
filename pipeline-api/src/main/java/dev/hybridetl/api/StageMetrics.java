package dev.hybridetl.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one stage (source, a transform, or sink), fed by whoever runs it and read for the run summary.
 * Also published to Micrometer as the timer {@code etl.stage.busy} tagged with {@code stage}.
 *
 * <p>Thread-safe; updates are cheap (striped adders) so they may be called once per batch from any thread.
 */
public final class StageMetrics {
    private final String stageName;
    private final String kind;
    private final LongAdder batches = new LongAdder();
    private final LongAdder recordsIn = new LongAdder();
    private final LongAdder recordsOut = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder busyNanos = new LongAdder();
    private final Timer busyTimer;

    /**
     * @param kind what runs the stage, e.g. {@code source}, {@code threads}, {@code processes}, {@code sink}
     */
    public StageMetrics(String stageName, String kind, MeterRegistry registry) {
        this.stageName = stageName;
        this.kind = kind;
        this.busyTimer = Timer.builder(MeterNames.STAGE_BUSY)
                .description("time a stage spent working on batches")
                .tag(MeterNames.STAGE, stageName)
                .tag(MeterNames.KIND, kind)
                .register(registry);
    }

    /** Records one batch handled in {@code busyNanos} of work time. */
    public void recordBatch(long busyNanos, int recordsIn, int recordsOut, int rejected) {
        batches.increment();
        this.recordsIn.add(recordsIn);
        this.recordsOut.add(recordsOut);
        this.rejected.add(rejected);
        this.busyNanos.add(busyNanos);
        busyTimer.record(busyNanos, TimeUnit.NANOSECONDS);
    }

    /** Adds work time that is not tied to one batch (opening, flushing). */
    public void addBusyNanos(long nanos) {
        busyNanos.add(nanos);
    }

    public String stageName() {
        return stageName;
    }

    public String kind() {
        return kind;
    }

    public long batches() {
        return batches.sum();
    }

    public long recordsIn() {
        return recordsIn.sum();
    }

    public long recordsOut() {
        return recordsOut.sum();
    }

    public long rejected() {
        return rejected.sum();
    }

    public long busyNanos() {
        return busyNanos.sum();
    }
}
