package dev.hybridetl.api;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;

/**
 * What the calling thread has spent so far: CPU time, time waiting or blocked (sleeping, parked, waiting for a
 * lock), bytes allocated. The difference of two snapshots is the cost of what ran between them on that thread.
 *
 * <p>Allocation is HotSpot's {@code com.sun.management.ThreadMXBean} (a JDK module, {@code jdk.management}; no
 * library): the one per-thread allocation counter there is. Waiting time needs thread contention monitoring, which
 * {@link #monitorContention()} turns on for as long as the profiler measures.
 */
record ThreadCosts(long cpuNanos, long waitingNanos, long allocatedBytes) {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static ThreadCosts now() {
        ThreadInfo info = THREADS.getThreadInfo(Thread.currentThread().getId());
        long waitedMs = info == null ? 0 : Math.max(0, info.getWaitedTime()) + Math.max(0, info.getBlockedTime());
        return new ThreadCosts(THREADS.getCurrentThreadCpuTime(), waitedMs * 1_000_000,
                THREADS.getCurrentThreadAllocatedBytes());
    }

    ThreadCosts minus(ThreadCosts earlier) {
        return new ThreadCosts(cpuNanos - earlier.cpuNanos, waitingNanos - earlier.waitingNanos,
                allocatedBytes - earlier.allocatedBytes);
    }

    /**
     * Turns contention monitoring on and returns what turns it back to what it was (a JVM-wide switch: an embedder
     * may have its own reasons for either setting).
     */
    static Runnable monitorContention() {
        boolean was = THREADS.isThreadContentionMonitoringEnabled();
        THREADS.setThreadContentionMonitoringEnabled(true);
        return () -> THREADS.setThreadContentionMonitoringEnabled(was);
    }
}
