package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.spi.WorkerPoolBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The processes placement's {@link dev.hybridetl.api.WorkerPool}: idle worker JVMs ({@link WorkerProcess}), each
 * waiting on its stdin for a stage, that {@link WorkerLauncher} takes instead of starting a JVM and gives back when
 * the worker's stage ended cleanly (the reasons are in docs/decisions/0008-warm-workers.md).
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Compatible only.</b> A worker is handed out only for the key it was started with: its whole command
 *       line (java binary, heap, JVM options, class path, main class), without the per-start class-archive flags.
 *       </li>
 *   <li><b>Warmest first.</b> Idle workers are a stack: the most recently used one (JIT-compiled for the latest
 *       job) is taken first, the one idle longest is retired first, by the idle timeout or to make room under the
 *       bound.</li>
 *   <li><b>Never a hang, never an orphan.</b> Retiring closes the worker's stdin (it exits by itself, and a worker
 *       that dumps the class archive finishes writing it); one still alive a second later is killed. {@link #close}
 *       and a shutdown hook end every idle worker; a worker given back after close is retired at once. A worker
 *       still halts by itself within a second of this JVM's death (its parent check).</li>
 *   <li><b>One lock.</b> The idle stack and the retiring list are guarded by {@code this}; nothing blocks under it
 *       (retiring only closes a pipe). The reaper thread (a daemon) runs every {@link #reapIntervalNs}.</li>
 * </ul>
 */
final class ProcessWorkerPool implements WorkerPoolBackend {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessWorkerPool.class);
    /** How long a retired worker gets to exit before it is killed. */
    static final long RETIRE_GRACE_MS = 1_000;
    private static final long MAX_REAP_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final int maxIdleWorkers;
    private final long idleTimeoutNs;
    private final long reapIntervalNs;
    private final ArrayDeque<WorkerProcess> idle = new ArrayDeque<>();
    /** Retired workers not yet seen to exit, with the time they were retired ({@link WorkerProcess#idleSinceNanos}). */
    private final List<WorkerProcess> retiring = new ArrayList<>();
    private final ScheduledExecutorService reaper;
    private final Thread shutdownHook;
    private boolean closed;

    ProcessWorkerPool(int maxIdleWorkers, Duration idleTimeout) {
        this.maxIdleWorkers = maxIdleWorkers;
        this.idleTimeoutNs = idleTimeout.toNanos();
        this.reapIntervalNs = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(MAX_REAP_INTERVAL_NS,
                idleTimeoutNs / 4));
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "etl-worker-pool-reaper");
            t.setDaemon(true);
            return t;
        });
        reaper.scheduleWithFixedDelay(this::reap, reapIntervalNs, reapIntervalNs, TimeUnit.NANOSECONDS);
        this.shutdownHook = new Thread(this::killAll, "etl-worker-pool-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public void prestart(ProcessSettings settings, int workers) {
        WorkerClassPath classPath = ProcessStageRunnerFactory.verify("worker pool", settings);
        WorkerLauncher launcher = new WorkerLauncher(null, settings, classPath, this);
        ChroniclePreload.start(); // the stage that takes these workers will open queues here too
        int toStart;
        synchronized (this) {
            toStart = closed ? 0 : Math.min(workers, maxIdleWorkers - idle.size());
        }
        for (int i = 0; i < toStart; i++) {
            try {
                WorkerProcess w = launcher.start();
                if (!offer(w)) {
                    w.kill(); // closed meanwhile
                }
            } catch (IOException e) {
                throw new PipelineException("worker pool: cannot start a worker JVM: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public synchronized int idleWorkers() {
        int n = 0;
        for (WorkerProcess w : idle) {
            n += w.isAlive() ? 1 : 0;
        }
        return n;
    }

    /** The most recently idle live worker started with {@code key}, or null. Never blocks. */
    synchronized WorkerProcess take(String key) {
        for (Iterator<WorkerProcess> it = idle.iterator(); it.hasNext(); ) {
            WorkerProcess w = it.next();
            if (!w.isAlive()) {
                it.remove();
            } else if (w.key().equals(key)) {
                it.remove();
                return w;
            }
        }
        return null;
    }

    /**
     * Takes a worker that has no stage (fresh, or its stage ended cleanly). Returns false, leaving the worker to the
     * caller, when the pool is closed or the worker is dead; retires the oldest idle worker to stay within the bound.
     */
    synchronized boolean offer(WorkerProcess w) {
        if (closed || !w.isAlive()) {
            return false;
        }
        w.idleSinceNanos = System.nanoTime();
        idle.push(w);
        while (idle.size() > maxIdleWorkers) {
            retire(idle.removeLast());
        }
        return true;
    }

    /** Retires workers idle past the timeout and kills retired ones that did not exit in time. Reaper thread. */
    private synchronized void reap() {
        long now = System.nanoTime();
        while (!idle.isEmpty() && (now - idle.peekLast().idleSinceNanos > idleTimeoutNs || !idle.peekLast().isAlive())) {
            retire(idle.removeLast());
        }
        for (Iterator<WorkerProcess> it = retiring.iterator(); it.hasNext(); ) {
            WorkerProcess w = it.next();
            if (!w.isAlive()) {
                it.remove();
            } else if (now - w.idleSinceNanos > TimeUnit.MILLISECONDS.toNanos(w.exitGraceMs(RETIRE_GRACE_MS))) {
                LOG.warn("worker pool: worker pid {} did not exit {} ms after it was retired; killing it",
                        w.process().pid(), w.exitGraceMs(RETIRE_GRACE_MS));
                w.kill();
                it.remove();
            }
        }
    }

    private void retire(WorkerProcess w) {
        w.idleSinceNanos = System.nanoTime();
        w.retire();
        retiring.add(w);
    }

    /**
     * Retires every idle worker and waits up to {@value #RETIRE_GRACE_MS} ms for them to exit (a worker that dumps
     * the class archive writes it now), then kills those left.
     */
    @Override
    public void close() {
        List<WorkerProcess> ending;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            while (!idle.isEmpty()) {
                retire(idle.pop());
            }
            ending = new ArrayList<>(retiring);
            retiring.clear();
        }
        reaper.shutdownNow();
        for (WorkerProcess w : ending) {
            w.awaitExitOrKill(w.idleSinceNanos, RETIRE_GRACE_MS); // all retired above: they exit in parallel
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it finds nothing left
        }
    }

    /** The JVM is exiting: kill every idle and retiring worker at once. */
    private void killAll() {
        synchronized (this) {
            closed = true;
            idle.forEach(WorkerProcess::kill);
            retiring.forEach(WorkerProcess::kill);
            idle.clear();
            retiring.clear();
        }
    }
}
