package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.StageMetrics;
import dev.hybridetl.ipc.BatchCodec;
import dev.hybridetl.ipc.ControlFileDescriptor;
import dev.hybridetl.ipc.ControlPublisher;
import dev.hybridetl.ipc.QueueDirectory;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline-side agent of a process stage: one dedicated thread ({@code etl-<stage>-conductor}, never the event
 * loop) that runs the duty cycle over the stage's queues. It takes commands through its {@link ConductorProxy},
 * appends batches through its {@link InputWriter}, reads every worker's result ring through a {@link ResultReader} (the
 * adapter), keeps what is unanswered in its {@link PendingBatchTable}, and leaves the worker processes to the
 * {@link WorkerSupervisor}, whose blocking work runs on its own thread.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>One owner.</b> The queue handles and the pending table belong to this thread; no locks. Chronicle's
 *       single-threaded appenders and tailers stay on one thread.</li>
 *   <li><b>Idle.</b> {@link DutyCycleIdle}: spins briefly, yields, then parks up to 1 ms: a result waits at most
 *       about a millisecond, and an idle stage costs little CPU on a 2-core machine.</li>
 *   <li><b>No loss, no duplicate.</b> Every batch stays pending until its first result arrives; later results for
 *       the same sequence are dropped. When a worker dies, its result queue is drained first, then the claim left
 *       in its control slot names the one batch it held, which is re-appended.</li>
 *   <li><b>No good record lost to a bad neighbour.</b> Why the worker died decides what happens to that batch
 *       ({@link WorkerSupervisor.Death}): a batch that killed {@link ProcessStageSettings#poisonDeaths()} workers is
 *       split in halves, and a half that kills again is split again, until the single records that kill a worker
 *       are isolated; only they are dead-lettered ({@code poison_record}). A worker stuck on one batch longer than
 *       the batch timeout is killed and the batch treated the same way ({@code transform_timeout}). Out of memory is
 *       a resource failure, not bad data: the batch is retried in halves at once, and the run fails, naming the heap
 *       setting, if one record does not fit. A worker killed from outside (SIGKILL/SIGTERM we did not send) does not
 *       count against its batch, unless it happens {@link ProcessStageSettings#maxExternalKills()} times.</li>
 *   <li><b>Space.</b> Before each append the {@link QueueSpace} is asked; input segments are deleted by the
 *       {@link InputWriter}; a worker's result ring is reused in place and deleted with its incarnation.</li>
 * </ul>
 */
final class StageConductor implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StageConductor.class);

    private final ProcessStageSettings settings;
    private final String stageName;
    private final StageMetrics metrics;
    private final QueueDirectory queueDir;
    private final Path stageDir;
    private final ControlPublisher control;
    private final QueueSpace space;
    private final ConductorProxy proxy;
    private final WorkerSupervisor supervisor;
    private final InputWriter input;
    private final PendingBatchTable pending;
    private final ResultReader[] readers;
    private final BatchCodec codec = new BatchCodec();
    private long nextHousekeepingNanos;
    private PipelineException failure;

    StageConductor(ProcessStageSettings settings, StageMetrics metrics, QueueDirectory queueDir,
                   ControlPublisher control, QueueSpace space, ConductorProxy proxy, WorkerSupervisor supervisor) {
        this.settings = settings;
        this.stageName = settings.stageName();
        this.metrics = metrics;
        this.queueDir = queueDir;
        this.stageDir = queueDir.path();
        this.control = control;
        this.space = space;
        this.proxy = proxy;
        this.supervisor = supervisor;
        this.input = new InputWriter(queueDir, control, settings.segmentBytes());
        this.pending = new PendingBatchTable(input::release);
        this.readers = new ResultReader[settings.workers()];
    }

    @Override
    public void run() {
        IdleStrategy idle = DutyCycleIdle.create();
        try {
            input.open();
            while (proxy.running()) {
                idle.idle(doWork());
            }
        } catch (PipelineException e) {
            fail(e);
        } catch (Throwable t) {
            fail(QueueSpace.isMappedFileFault(t) ? space.full(-1)
                    : new PipelineException("stage '" + stageName + "': process conductor failed: " + t, t));
        } finally {
            closeQueues();
            PipelineException e = failure != null ? failure
                    : new PipelineException("stage '" + stageName + "' was closed before the batch completed");
            pending.failAll(e);
            proxy.closed();
            proxy.failBatches(e);
        }
    }

    /** One duty cycle; returns how much it did (0: idle). */
    private int doWork() throws IOException {
        int work = 0;
        ConductorProxy.Command c;
        while ((c = proxy.commands.poll()) != null) {
            work++;
            onCommand(c);
        }
        PendingBatch p;
        while ((p = proxy.batches.poll()) != null) {
            work++;
            if (failure != null) {
                p.complete(null, failure);
            } else {
                pending.add(p);
            }
        }
        work += appendWaiting();
        for (int w = 0; w < readers.length; w++) {
            if (readers[w] != null) {
                work += readers[w].poll(64);
            }
        }
        long now = System.nanoTime();
        if (now - nextHousekeepingNanos >= 0) {
            nextHousekeepingNanos = now + TimeUnit.MILLISECONDS.toNanos(settings.housekeepingIntervalMs());
            queueDir.secure();
        }
        return work;
    }

    private void onCommand(ConductorProxy.Command c) throws IOException {
        if (c instanceof ConductorProxy.WorkerReady ready) {
            WorkerSlot slot = ready.slot();
            readers[slot.index] = new ResultReader(stageDir, slot.index, ready.incarnation(), codec,
                    frame -> onFrame(slot, frame));
        } else if (c instanceof ConductorProxy.WorkerDied died) {
            WorkerSlot slot = died.slot();
            ResultReader reader = readers[slot.index];
            if (reader != null) {
                reader.drain();
                reader.close(true);
                readers[slot.index] = null;
            }
            redeliverClaim(slot, died.death());
            supervisor.deathHandled(slot);
            if (died.verdict() != null) {
                fail(died.verdict());
            }
        } else if (c instanceof ConductorProxy.Fail f) {
            fail(f.failure());
        }
    }

    private int appendWaiting() throws IOException {
        int n = 0;
        while (pending.hasWaiting() && control.ringHasRoom() && space.hasRoom(System.nanoTime())) {
            PendingBatch p = pending.nextToAppend();
            if (p != null) {
                pending.appended(p, input.append(p));
                n++;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- results

    private void onFrame(WorkerSlot slot, BatchCodec.Frame frame) {
        PendingBatch p = pending.answer(frame.sequence());
        if (p == null) {
            LOG.debug("stage '{}': dropped a late duplicate result of batch {} from worker {}", stageName,
                    frame.sequence(), slot.index);
            return;
        }
        slot.answered = true;
        if (frame.kind() == BatchCodec.KIND_FAILURE) {
            if (frame.failure().startsWith(WorkerMain.OUT_OF_MEMORY)) {
                // The worker survived (the batch's garbage was freed as the error unwound): retry in halves.
                onOutOfMemory(p, frame.failure());
            } else {
                p.complete(null, PipelineException.stageFailed(stageName, p.root().batch, "worker " + slot.index,
                        frame.failure()));
            }
            return;
        }
        RecordBatch out = frame.batch().withRejectContext(stageName, frame.attempt() + 1, System.currentTimeMillis());
        metrics.recordBatch(frame.busyNanos(), p.batch.size(), out.size(), out.rejects().size());
        slot.batches.incrementAndGet();
        slot.records.addAndGet(p.batch.size());
        p.complete(out, null);
    }

    /**
     * Sends the records of {@code p} to the dead-letter output with {@code reason}: only ever a single record, once
     * splitting has isolated it (or a batch that cannot be split).
     */
    private void quarantine(PendingBatch p, String reason, String why) {
        pending.remove(p);
        RecordBatch in = p.batch;
        long now = System.currentTimeMillis();
        RecordBatchBuilder b = RecordBatch.builder(in.sequence());
        for (int i = 0; i < in.size(); i++) {
            b.reject(new Reject(in.position(i), reason, in.recordCopy(i), stageName, p.attempt + 1, now));
        }
        LOG.error("stage '{}': the record at line {} {}; it goes to the dead-letter output as {}", stageName,
                p.firstLine(), why, reason);
        metrics.recordBatch(0, in.size(), 0, in.size());
        p.complete(b.build(), null);
    }

    /** Replaces {@code p} by its two halves, which are delivered in its place. */
    private void split(PendingBatch p, String why) {
        pending.split(p);
        LOG.warn("stage '{}': batch {} ({} records from line {}) {}; retrying it in two halves", stageName,
                p.root().batch.sequence(), p.batch.size(), p.firstLine(), why);
    }

    /** A worker ran out of memory on {@code p}: a resource failure, not bad data. Smaller pieces, or a clear end. */
    private void onOutOfMemory(PendingBatch p, String failure) {
        if (p.batch.size() > 1) {
            split(p, "ran a worker out of memory");
        } else {
            PipelineException e = PipelineException.stageFailed(stageName, p.root().batch, "a worker",
                    "the record at line " + p.firstLine() + " does not fit in its heap (" + failure + ")");
            pending.remove(p);
            p.complete(null, e); // p may be out of the pending table already: fail its root here
            fail(e);
        }
    }

    // ---------------------------------------------------------------- a dead worker's batch

    /** Re-appends, splits or quarantines the batch a dead worker held, if it is still unanswered. */
    private void redeliverClaim(WorkerSlot slot, WorkerSupervisor.Death death) {
        long claim = control.currentClaim(slot.index);
        if (claim == ControlFileDescriptor.NO_CLAIM) {
            return;
        }
        for (WorkerSlot other : supervisor.slots()) {
            if (other != slot && other.process != null && control.currentClaim(other.index) == claim) {
                return; // the dead worker only intended to claim it; a live one owns it
            }
        }
        PendingBatch p = pending.forClaim(claim);
        if (p == null) {
            return;
        }
        if (death == WorkerSupervisor.Death.EXTERNAL_KILL && ++p.externalKills > settings.maxExternalKills()) {
            death = WorkerSupervisor.Death.CRASH; // no coincidence (the kernel's OOM killer sends SIGKILL too)
        }
        switch (death) {
            case OUT_OF_MEMORY -> onOutOfMemory(p, "the worker died of OutOfMemoryError");
            case EXTERNAL_KILL -> redeliver(p, slot);
            case CRASH, TIMEOUT -> {
                p.deaths++;
                // A whole batch must kill twice before it is suspected; a half of a suspect, once.
                if (p.deaths < (p.parent == null ? settings.poisonDeaths() : 1)) {
                    redeliver(p, slot);
                } else if (p.batch.size() > 1) {
                    split(p, death == WorkerSupervisor.Death.TIMEOUT ? "timed out " + p.deaths + " times"
                            : "killed " + p.deaths + " workers");
                } else if (death == WorkerSupervisor.Death.TIMEOUT) {
                    quarantine(p, Reject.Reasons.TRANSFORM_TIMEOUT, "took its transform longer than "
                            + settings.batchTimeoutMs() + " ms");
                } else {
                    quarantine(p, Reject.Reasons.POISON_RECORD, "killed the worker that transformed it, alone, after"
                            + " it was in batches that did so " + (p.attempt + 1) + " times");
                }
            }
            default -> throw new IllegalStateException(death.toString());
        }
    }

    private void redeliver(PendingBatch p, WorkerSlot slot) {
        LOG.warn("stage '{}': re-delivering batch {} (attempt {}) after worker {} died with it", stageName,
                p.root().batch.sequence(), p.attempt + 2, slot.index);
        pending.redeliver(p);
    }

    private void fail(PipelineException e) {
        if (failure == null) {
            failure = e;
            proxy.failed(e);
            LOG.error(e.getMessage());
        }
        supervisor.failed(failure);
        pending.failAll(failure);
        proxy.failBatches(failure);
    }

    private void closeQueues() {
        for (int w = 0; w < readers.length; w++) {
            if (readers[w] != null) {
                readers[w].close();
                readers[w] = null;
            }
        }
        input.close();
        if (pending.duplicatesDropped() > 0) {
            LOG.info("stage '{}': dropped {} late duplicate results", stageName, pending.duplicatesDropped());
        }
    }
}
