package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.PipelineException;
import dev.hybridetl.ipc.ControlFileDescriptor;
import dev.hybridetl.ipc.ControlPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Starts, watches, restarts and stops the worker processes of one stage, on a thread of its own
 * ({@code etl-<stage>-supervisor}): starting a process, killing one and waiting for a dead one's last stderr line
 * block, so none of it runs on the conductor's duty cycle.
 *
 * <p>Every worker process is created by {@link WorkerLauncher#launch(WorkerSlot)} in {@link #launch} and stopped at
 * stage end by {@link #stopWorkers()}; nothing else creates or ends one (the two seams a worker pool replaces).
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Readiness.</b> A worker is ready when it sets its control slot's state; the conductor is told
 *       ({@link ConductorProxy#workerReady}) and starts reading its results. A worker not ready within
 *       {@link ProcessStageSettings#workerStartTimeoutMs()} is killed, a ready one silent for longer than the
 *       heartbeat timeout too, and one that holds the same claim longer than the batch timeout (its heartbeat thread
 *       keeps beating while its transform is stuck).</li>
 *   <li><b>Death.</b> Why a worker died ({@link Death}) decides what happens to the batch it held; the conductor
 *       deals with that batch ({@link ConductorProxy#workerDied}) and only then may the slot be relaunched
 *       ({@link #deathHandled}), because a relaunch resets the claim in the slot that names the batch.</li>
 *   <li><b>Restarts.</b> A dead worker is relaunched at once, then after a backoff (100 ms doubling to 5 s) if it
 *       keeps dying. A slot whose own start fails {@link ProcessStageSettings#maxStartFailures()} times in a row
 *       fails the run with its last stderr line; outside kills while starting do not count, so a kill storm slows
 *       the run down but does not end it, unless no worker at all gets ready for
 *       {@link ProcessStageSettings#noReadyWorkerTimeoutMs()}.</li>
 * </ul>
 */
final class WorkerSupervisor implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerSupervisor.class);
    /** Exit values a JVM reports when SIGKILL or SIGTERM ended it (128 + the signal). */
    static final int EXIT_SIGKILL = 137;
    static final int EXIT_SIGTERM = 143;
    /** How the JDK reports a spawn helper ended by SIGKILL or SIGTERM ("... pid: 123, signal: 9"). */
    private static final Pattern EXTERNAL_SIGNAL = Pattern.compile("signal: (9|15)\\b");
    /** How long {@link #stopWorkers} waits for the supervisor thread to end. */
    private static final long JOIN_MS = 5_000;

    /** Why a worker died, as far as the batch it held is concerned. */
    enum Death {
        /** It crashed (or stopped answering) on its own: the batch may be poison. */
        CRASH,
        /** It was killed for holding a batch longer than the stage's batch timeout. */
        TIMEOUT,
        /** It ran out of memory: retry in smaller pieces. */
        OUT_OF_MEMORY,
        /** SIGKILL or SIGTERM from outside the pipeline (an operator, a kill storm): the batch is not to blame. */
        EXTERNAL_KILL
    }

    private final ProcessStageSettings settings;
    private final String stageName;
    private final ControlPublisher control;
    private final WorkerLauncher launcher;
    private final QueueSpace space;
    private final ConductorProxy conductor;
    private final WorkerSlot[] slots;
    private final CompletableFuture<Void> allReady = new CompletableFuture<>();
    private final LinkedBlockingQueue<WorkerSlot> deathsHandled = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** When a worker was last seen ready (or the stage started), for {@link #checkSomeWorkerReady}. */
    private long lastReadyNanos;

    WorkerSupervisor(ProcessStageSettings settings, ControlPublisher control, WorkerLauncher launcher,
                     QueueSpace space, ConductorProxy conductor) {
        this.settings = settings;
        this.stageName = settings.stageName();
        this.control = control;
        this.launcher = launcher;
        this.space = space;
        this.conductor = conductor;
        this.slots = new WorkerSlot[settings.workers()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new WorkerSlot(i);
        }
        this.thread = new Thread(this, "etl-" + stageName + "-supervisor");
        this.thread.setDaemon(true);
    }

    WorkerSlot[] slots() {
        return slots;
    }

    /** Completes when every worker has been ready once, or fails with the start-up error. */
    CompletableFuture<Void> allReady() {
        return allReady;
    }

    /** Starts the supervisor thread, which launches every worker at once. */
    void start() {
        thread.start();
    }

    /** The conductor has dealt with the batch of {@code slot}'s dead worker: it may be relaunched. Any thread. */
    void deathHandled(WorkerSlot slot) {
        deathsHandled.add(slot);
    }

    /** The stage failed (any thread): fails the start-up wait too. */
    void failed(PipelineException e) {
        allReady.completeExceptionally(e);
    }

    @Override
    public void run() {
        long intervalNs = TimeUnit.MILLISECONDS.toNanos(settings.superviseIntervalMs());
        try {
            for (WorkerSlot slot : slots) {
                launch(slot);
            }
            while (running) {
                WorkerSlot handled = deathsHandled.poll(intervalNs, TimeUnit.NANOSECONDS);
                for (; handled != null; handled = deathsHandled.poll()) {
                    handled.process = null;
                    handled.deathReported = false;
                    handled.restartAtNanos = handled.restartAfterDeathNanos;
                }
                supervise(System.nanoTime());
            }
        } catch (InterruptedException e) {
            // stopWorkers: the stage is ending
        } catch (Throwable t) {
            PipelineException e = QueueSpace.isMappedFileFault(t) ? space.full(-1)
                    : new PipelineException("stage '" + stageName + "': process supervisor failed: " + t, t);
            allReady.completeExceptionally(e);
            conductor.fail(e);
        }
    }

    private void supervise(long now) {
        boolean everyoneReady = true;
        for (WorkerSlot slot : slots) {
            Process process = slot.process;
            if (slot.deathReported) {
                // waiting for the conductor
            } else if (process != null) {
                if (!process.isAlive()) {
                    onDeath(slot, process, now);
                } else if (!slot.ready) {
                    checkReady(slot, now);
                } else {
                    long silentMs = System.currentTimeMillis() - control.heartbeatMs(slot.index);
                    if (silentMs > settings.heartbeatTimeoutMs()) {
                        kill(slot, "no heartbeat for " + silentMs + " ms");
                    }
                    checkBatchTimeout(slot, now);
                }
            } else if (slot.restartAtNanos >= 0 && now - slot.restartAtNanos >= 0 && conductor.failure() == null) {
                launch(slot);
            }
            everyoneReady &= slot.everReady;
        }
        if (everyoneReady && !allReady.isDone()) {
            allReady.complete(null);
        }
        checkSomeWorkerReady(now);
    }

    /** Fails the stage if none of its workers has been ready for the no-ready-worker timeout. */
    private void checkSomeWorkerReady(long now) {
        boolean anyReady = false;
        int kills = 0;
        for (WorkerSlot slot : slots) {
            anyReady |= slot.ready;
            kills += slot.startKills;
        }
        if (anyReady || lastReadyNanos == 0) {
            lastReadyNanos = now;
        } else if (now - lastReadyNanos > TimeUnit.MILLISECONDS.toNanos(settings.noReadyWorkerTimeoutMs())
                && conductor.failure() == null) {
            lastReadyNanos = now; // report once per period, not every tick until the conductor acts
            fail(new PipelineException("stage '" + stageName + "': no worker has been ready for "
                    + settings.noReadyWorkerTimeoutMs() / 1000 + " s (workers were killed from outside " + kills
                    + " times while starting)"));
        }
    }

    private void checkReady(WorkerSlot slot, long now) {
        if (control.state(slot.index) == ControlFileDescriptor.STATE_READY) {
            slot.ready = true;
            slot.everReady = true;
            slot.consecutiveStartFailures = 0;
            slot.startKills = 0;
            slot.startupNanos.addAndGet(now - slot.launchNanos);
            conductor.workerReady(slot, slot.incarnation);
            LOG.debug("stage '{}': worker {} ready in {} ms", stageName, slot.index,
                    (now - slot.launchNanos) / 1_000_000);
        } else if (now - slot.launchNanos > TimeUnit.MILLISECONDS.toNanos(settings.workerStartTimeoutMs())) {
            kill(slot, "not ready after " + settings.workerStartTimeoutMs() / 1000 + " s");
        }
    }

    /** A worker holding the same claim longer than the batch timeout is stuck in its transform: kill it. */
    private void checkBatchTimeout(WorkerSlot slot, long now) {
        long claim = control.currentClaim(slot.index);
        if (claim != slot.watchedClaim) {
            slot.watchedClaim = claim;
            slot.watchedSinceNanos = now;
        } else if (claim != ControlFileDescriptor.NO_CLAIM
                && now - slot.watchedSinceNanos > TimeUnit.MILLISECONDS.toNanos(settings.batchTimeoutMs())) {
            kill(slot, "the batch in excerpt " + claim + " (batch " + control.currentSequence(slot.index)
                    + ") has run longer than the batch timeout of " + settings.batchTimeoutMs() + " ms");
            slot.killedForTimeout = true;
        }
    }

    private void kill(WorkerSlot slot, String why) {
        if (!slot.killed) {
            LOG.warn("stage '{}': killing worker {} (pid {}): {}", stageName, slot.index, slot.process.pid(), why);
            slot.killed = true;
            slot.process.destroyForcibly();
        }
    }

    private void onDeath(WorkerSlot slot, Process process, long now) {
        int exit = process.exitValue();
        boolean wasReady = slot.ready;
        Death death = exit == WorkerMain.EXIT_OUT_OF_MEMORY ? Death.OUT_OF_MEMORY
                : slot.killed ? (slot.killedForTimeout ? Death.TIMEOUT : Death.CRASH)
                : exit == EXIT_SIGKILL || exit == EXIT_SIGTERM ? Death.EXTERNAL_KILL
                : Death.CRASH;
        boolean heldABatch = control.currentClaim(slot.index) != ControlFileDescriptor.NO_CLAIM;
        if (slot.answered) {
            slot.consecutiveDeaths = 0;
        }
        slot.ready = false;
        slot.killed = false;
        slot.killedForTimeout = false;
        slot.restartAfterDeathNanos = -1;
        PipelineException verdict = verdict(slot, process.pid(), exit, death, heldABatch, wasReady);
        if (verdict == null) {
            // The first death restarts at once (a replacement is what the run needs); repeated crashes back off.
            // Outside kills do not: backing off would only leave the stage short of workers for longer.
            if (death != Death.EXTERNAL_KILL) {
                slot.consecutiveDeaths++;
            }
            slot.restartAfterDeathNanos = now
                    + TimeUnit.MILLISECONDS.toNanos(settings.restartBackoffMs(slot.consecutiveDeaths));
        }
        slot.deathReported = true;
        conductor.workerDied(slot, death, verdict);
    }

    /** The failure a death ends the stage with, or {@code null} if the slot is to be restarted. May block ~1 s. */
    private PipelineException verdict(WorkerSlot slot, long pid, int exit, Death death, boolean heldABatch,
                                      boolean wasReady) {
        if (exit == WorkerMain.EXIT_QUEUE_FULL) {
            return space.full(-1);
        }
        if (exit == WorkerMain.EXIT_OPEN_FAILED) {
            // The transform's own open failed: deterministic, so a restart would only fail the same way.
            return new PipelineException("stage '" + stageName + "' failed to start: " + slot.awaitLastErrorLine());
        }
        if (death == Death.OUT_OF_MEMORY && !heldABatch) {
            return new PipelineException("stage '" + stageName + "': worker " + slot.index + " ran out of memory"
                    + " outside any batch (" + slot.awaitLastErrorLine() + "); raise the worker heap:"
                    + " ProcessSettings.workerHeapMb, --worker-heap-mb on the command line");
        }
        if (wasReady) {
            LOG.warn("stage '{}': worker {} (pid {}) exited with code {}; restarting it", stageName, slot.index,
                    pid, exit);
            return null;
        }
        String lastError = slot.awaitLastErrorLine();
        LOG.warn("stage '{}': worker {} (pid {}) exited with code {} before it was ready: {}", stageName,
                slot.index, pid, exit, lastError);
        // Killed from outside while starting (a kill storm) says nothing about our code: only failures of its own
        // count. Outside kills are bounded by time instead (see checkSomeWorkerReady), so that a stage whose
        // workers never get ready fails rather than restarting them for ever.
        if (death == Death.EXTERNAL_KILL) {
            slot.startKills++;
        } else if (++slot.consecutiveStartFailures >= settings.maxStartFailures()) {
            return new PipelineException("stage '" + stageName + "': worker " + slot.index + " failed to start "
                    + slot.consecutiveStartFailures + " times in a row (last exit code " + exit + "); last error: "
                    + lastError);
        }
        return null;
    }

    private void launch(WorkerSlot slot) {
        slot.incarnation++;
        control.resetWorker(slot.index, slot.incarnation);
        if (slot.incarnation > 0) {
            slot.restarts.incrementAndGet();
        }
        slot.restartAtNanos = -1;
        slot.ready = false;
        slot.killed = false;
        slot.answered = false;
        slot.watchedClaim = ControlFileDescriptor.NO_CLAIM;
        slot.launchNanos = System.nanoTime();
        try {
            slot.process = launcher.launch(slot);
        } catch (IOException e) {
            onLaunchFailed(slot, e);
        }
    }

    /**
     * The JVM could not even be spawned. Its spawn helper killed from outside (a kill storm also hits the
     * pipeline's short-lived {@code jspawnhelper} child) counts like an outside kill while starting; anything else
     * like a failed start of its own. Either way the slot is retried after the first backoff step.
     */
    private void onLaunchFailed(WorkerSlot slot, IOException e) {
        String message = String.valueOf(e.getMessage());
        LOG.warn("stage '{}': worker {} could not be started: {}", stageName, slot.index, message);
        if (EXTERNAL_SIGNAL.matcher(message).find()) {
            slot.startKills++;
        } else if (++slot.consecutiveStartFailures >= settings.maxStartFailures()) {
            fail(new PipelineException("stage '" + stageName + "': worker " + slot.index + " could not be started "
                    + slot.consecutiveStartFailures + " times in a row: " + message, e));
            return;
        }
        slot.restartAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.restartBackoffFirstMs());
    }

    private void fail(PipelineException e) {
        allReady.completeExceptionally(e);
        conductor.fail(e);
    }

    /**
     * Stops every worker at stage end: ends the supervisor thread (so nothing is relaunched), then
     * {@link WorkerLauncher#stopWorkers}: the stop flag, {@link ProcessStageSettings#stopGraceMs()} for the workers
     * to finish their batch and report stopped, those back to the pool or asked to exit, the rest killed and waited
     * for. Blocking.
     *
     * @return the failure of a worker whose transform failed to close (with its message), or {@code null}
     */
    PipelineException stopWorkers() {
        running = false;
        thread.interrupt();
        try {
            thread.join(JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        launcher.stopWorkers(slots, control, settings.stopGraceMs(), settings.killWaitMs());
        PipelineException failure = null;
        for (WorkerSlot slot : slots) {
            Process p = slot.process;
            if (p != null && !p.isAlive() && p.exitValue() == WorkerMain.EXIT_CLOSE_FAILED) {
                PipelineException e = new PipelineException("stage '" + stageName + "' failed to stop: "
                        + slot.awaitLastErrorLine());
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
    }
}
