package dev.hybridetl.cpu.processes;

import dev.hybridetl.ipc.WorkerCounters;
import dev.hybridetl.ipc.WorkerCounters.Field;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A worker JVM's side of {@link WorkerCounters}: counts each batch it transforms, and on every heartbeat samples its
 * garbage collections and heap. Metrics never break the worker: if the counters file cannot be mapped, every
 * method does nothing.
 *
 * <p>Threads: {@link #batchDone} is called by the worker's main thread only and {@link #sample} by its watchdog
 * thread only, so each counter has one writer. GC figures are added as deltas, so they accumulate over the worker
 * position's incarnations. The GC beans are looked up on the watchdog thread two seconds after start, not
 * before: the management classes cost tens of milliseconds, and a worker's start-up is on the critical
 * path of every restart.
 */
final class WorkerTelemetry {
    private static final WorkerTelemetry OFF = new WorkerTelemetry(null, null);

    /** GC figures wait this long after start: loading the management classes must not slow a worker's start. */
    private static final long GC_SAMPLES_AFTER_NS = TimeUnit.SECONDS.toNanos(2);

    private final WorkerCounters file;
    private final EnumMap<Field, AtomicCounter> counters;
    private final long openedNanos = System.nanoTime();
    private List<GarbageCollectorMXBean> collectors;
    private long lastGcCount;
    private long lastGcTimeMs;

    private WorkerTelemetry(WorkerCounters file, EnumMap<Field, AtomicCounter> counters) {
        this.file = file;
        this.counters = counters;
    }

    /** Maps the stage's counters file and counts this start; the no-op telemetry if that fails. */
    static WorkerTelemetry open(Path stageDir, int worker) {
        try {
            WorkerCounters file = WorkerCounters.open(WorkerCounters.file(stageDir));
            EnumMap<Field, AtomicCounter> counters = new EnumMap<>(Field.class);
            for (Field f : Field.values()) {
                counters.put(f, file.counter(worker, f));
            }
            counters.get(Field.STARTS).incrementRelease();
            return new WorkerTelemetry(file, counters);
        } catch (Exception | LinkageError e) {
            System.err.println("worker " + worker + ": no telemetry (" + e + ")");
            return OFF;
        }
    }

    /** One batch transformed: {@code recordsIn} read, {@code recordsOut} written, in {@code busyNanos}. */
    void batchDone(int recordsIn, int recordsOut, long busyNanos) {
        if (counters == null) {
            return;
        }
        counters.get(Field.BATCHES).incrementRelease();
        counters.get(Field.RECORDS_IN).getAndAddRelease(recordsIn);
        counters.get(Field.RECORDS_OUT).getAndAddRelease(recordsOut);
        counters.get(Field.BUSY_NS).getAndAddRelease(busyNanos);
    }

    /**
     * Unmaps the stage's counters file when the worker's stage ends (a pooled worker lives on to serve other
     * stages). Called once no thread samples or counts any more: writing after it would touch unmapped memory.
     */
    void close() {
        if (file != null) {
            file.close();
        }
    }

    /** Publishes the heap in use, the collections since the last sample and the time of this sample. */
    void sample() {
        if (counters == null) {
            return;
        }
        if (collectors == null && System.nanoTime() - openedNanos >= GC_SAMPLES_AFTER_NS) {
            collectors = ManagementFactory.getGarbageCollectorMXBeans();
        }
        if (collectors != null) {
            long gcCount = 0;
            long gcTimeMs = 0;
            for (GarbageCollectorMXBean gc : collectors) {
                gcCount += Math.max(0, gc.getCollectionCount());
                gcTimeMs += Math.max(0, gc.getCollectionTime());
            }
            counters.get(Field.GC_COUNT).getAndAddRelease(gcCount - lastGcCount);
            counters.get(Field.GC_TIME_MS).getAndAddRelease(gcTimeMs - lastGcTimeMs);
            lastGcCount = gcCount;
            lastGcTimeMs = gcTimeMs;
        }
        Runtime rt = Runtime.getRuntime();
        counters.get(Field.HEAP_USED_BYTES).setRelease(rt.totalMemory() - rt.freeMemory());
        counters.get(Field.HEARTBEAT_MS).setRelease(System.currentTimeMillis());
    }
}
