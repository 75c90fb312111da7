package dev.hybridetl.cpu.processes;

import dev.hybridetl.ipc.WorkerCounters;
import dev.hybridetl.ipc.WorkerCounters.Field;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;

/**
 * A worker JVM's side of {@link WorkerCounters}: counts each batch it transforms, and on every heartbeat samples its
 * garbage collections and heap. Metrics never break the worker: if the counters file cannot be mapped, every
 * method does nothing.
 *
 * <p>Threads: {@link #batchDone} is called by the worker's main thread only and {@link #sample} by its watchdog
 * thread only, so each counter has one writer. GC figures are added as deltas, so they accumulate over the worker
 * position's incarnations.
 */
final class WorkerTelemetry {
    private static final WorkerTelemetry OFF = new WorkerTelemetry(null);

    private final EnumMap<Field, AtomicCounter> counters;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private long lastGcCount;
    private long lastGcTimeMs;

    private WorkerTelemetry(EnumMap<Field, AtomicCounter> counters) {
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
            // Never unmapped: the worker writes until its JVM exits, which releases the mapping.
            counters.get(Field.STARTS).incrementRelease();
            WorkerTelemetry telemetry = new WorkerTelemetry(counters);
            telemetry.sample();
            return telemetry;
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

    /** Publishes the heap in use, the collections since the last sample and the time of this sample. */
    void sample() {
        if (counters == null) {
            return;
        }
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
        counters.get(Field.HEAP_USED_BYTES).setRelease(memory.getHeapMemoryUsage().getUsed());
        counters.get(Field.HEARTBEAT_MS).setRelease(System.currentTimeMillis());
    }
}
