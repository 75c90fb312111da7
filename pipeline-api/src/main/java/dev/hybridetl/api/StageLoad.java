package dev.hybridetl.api;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where a transform stage's time goes, Flink-style: of each second, how many milliseconds its workers were busy,
 * idle (waiting for input) or back-pressured (done, but the stage's in-flight window was full of results the sink
 * had not taken yet), plus its queue depth and lag. Published as gauges tagged {@code stage} ({@link MeterNames});
 * the same for both placements, because it is measured where the engine hands batches to the stage.
 *
 * <p>Design: busy time comes from {@link StageMetrics#busyNanos()} (every placement records it), divided by the
 * workers' capacity ({@code workers x elapsed}). Back-pressure is the share of time the window was full, capped by
 * what busy time leaves; idle is the rest, so the three add up to 1000. The per-second values are recomputed when a
 * gauge is read at least {@value #WINDOW_MS} ms after the last computation (a scrape, the run report's sampler), so
 * they describe the last scrape interval, and several readers never see a zero-length window.
 *
 * <p>Thread-safe: {@link #handedIn} and {@link #released} may run on any thread (they are serialised; one call
 * per batch).
 */
final class StageLoad {
    static final long WINDOW_MS = 1_000;

    private final StageMetrics metrics;
    private final int workers;
    private final int window;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    /** Record counts of the batches in the stage, oldest first; at most the window's size. */
    private final ArrayDeque<Integer> inFlightSizes = new ArrayDeque<>();
    private long inFlightRecords;
    private long fullSinceNanos = -1;
    private long fullNanos;
    private long lastNanos = System.nanoTime();
    private long lastBusyNanos;
    private long lastFullNanos;
    private double busyMs;
    private double idleMs = WINDOW_MS;
    private double backPressuredMs;

    StageLoad(StageMetrics metrics, int workers, int window, MeterRegistry registry) {
        this.metrics = metrics;
        this.workers = Math.max(1, workers);
        this.window = window;
        this.registry = registry;
        this.lastBusyNanos = metrics.busyNanos();
        gauge(MeterNames.STAGE_BUSY_MS_PER_SECOND, "ms per second the workers spent transforming", l -> l.perSecond(0));
        gauge(MeterNames.STAGE_IDLE_MS_PER_SECOND, "ms per second the workers waited for input", l -> l.perSecond(1));
        gauge(MeterNames.STAGE_BACKPRESSURED_MS_PER_SECOND, "ms per second the stage's window was full of results not yet written",
                l -> l.perSecond(2));
        gauge(MeterNames.STAGE_QUEUE_DEPTH, "batches in the stage, not yet passed downstream", StageLoad::inFlightBatches);
        gauge(MeterNames.STAGE_LAG_RECORDS, "records in the stage, not yet passed downstream", StageLoad::inFlightRecords);
    }

    private void gauge(String name, String description, java.util.function.ToDoubleFunction<StageLoad> f) {
        meters.add(Gauge.builder(name, this, f).description(description).tag(MeterNames.STAGE, metrics.stageName())
                .tag(MeterNames.KIND, metrics.kind()).register(registry));
    }

    /** A batch of {@code records} enters the stage. */
    synchronized void handedIn(int records) {
        inFlightRecords += records;
        inFlightSizes.add(records);
        if (inFlightSizes.size() >= window && fullSinceNanos < 0) {
            fullSinceNanos = System.nanoTime();
        }
    }

    /** The oldest batch in the stage leaves it downstream (a stage passes batches on in the order they came). */
    synchronized void released() {
        if (inFlightSizes.size() >= window && fullSinceNanos >= 0) {
            fullNanos += System.nanoTime() - fullSinceNanos;
            fullSinceNanos = -1;
        }
        Integer records = inFlightSizes.poll();
        inFlightRecords = Math.max(0, inFlightRecords - (records == null ? 0 : records));
    }

    synchronized double inFlightBatches() {
        return inFlightSizes.size();
    }

    synchronized double inFlightRecords() {
        return inFlightRecords;
    }

    /** 0 busy, 1 idle, 2 back-pressured; recomputed over the time since the last computation if that is long enough. */
    synchronized double perSecond(int which) {
        long now = System.nanoTime();
        long elapsed = now - lastNanos;
        if (elapsed >= TimeUnit.MILLISECONDS.toNanos(WINDOW_MS)) {
            long busy = metrics.busyNanos();
            long full = fullNanos + (fullSinceNanos >= 0 ? now - fullSinceNanos : 0);
            double busyShare = clamp((busy - lastBusyNanos) / ((double) elapsed * workers));
            double fullShare = clamp((full - lastFullNanos) / (double) elapsed);
            double backShare = Math.min(fullShare, 1 - busyShare);
            busyMs = busyShare * WINDOW_MS;
            backPressuredMs = backShare * WINDOW_MS;
            idleMs = WINDOW_MS - busyMs - backPressuredMs;
            lastNanos = now;
            lastBusyNanos = busy;
            lastFullNanos = full;
        }
        return which == 0 ? busyMs : which == 1 ? idleMs : backPressuredMs;
    }

    private static double clamp(double share) {
        return Math.max(0, Math.min(1, share));
    }

    /** Removes the gauges, so that a later run in the same registry registers its own. Never throws. */
    void close() {
        try {
            meters.forEach(registry::remove);
        } catch (RuntimeException e) {
            // a registry that fails to remove a meter must not keep the run from completing
        }
    }
}
