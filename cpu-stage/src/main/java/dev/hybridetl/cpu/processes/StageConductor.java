package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.StageMetrics;
import dev.hybridetl.ipc.BatchCodec;
import dev.hybridetl.ipc.ControlFile;
import dev.hybridetl.ipc.QueueDirectory;
import dev.hybridetl.ipc.StageQueues;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline-side agent of a process stage: one dedicated thread (never the event loop) that owns every queue
 * handle, the pending-batch table and the worker processes.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>One owner.</b> {@code process()} callers only enqueue into {@link #inbox}; this thread appends batches,
 *       tails every worker's result queue, supervises the workers and reclaims space. No locks; Chronicle's
 *       single-threaded appenders and tailers stay on one thread.</li>
 *   <li><b>Idle.</b> An Agrona {@link BackoffIdleStrategy} that spins briefly, yields, then parks up to 1 ms: a
 *       result waits at most about a millisecond, and an idle stage costs little CPU on a 2-core machine.</li>
 *   <li><b>No loss, no duplicate.</b> Every batch stays in {@link #pending} until its first result arrives; later
 *       results for the same sequence are dropped. When a worker dies, its result queue is drained first, then the
 *       claim left in its control slot names the one batch it held, which is re-appended.</li>
 *   <li><b>No good record lost to a bad neighbour.</b> Why the worker died decides what happens to that batch
 *       ({@link Death}): a batch that killed {@value #POISON_DEATHS} workers is split in halves, and a half that kills
 *       again is split again, until the single records that kill a worker are isolated; only they are dead-lettered
 *       ({@code poison_record}). A worker stuck on one batch longer than the batch timeout is killed and the batch
 *       treated the same way ({@code transform_timeout}). Out of memory is a resource failure, not bad data: the
 *       batch is retried in halves at once, and the run fails, naming the heap setting, if one record does not fit.
 *       A worker killed from outside (SIGKILL/SIGTERM we did not send) does not count against its batch.</li>
 *   <li><b>Restarts.</b> A dead worker is relaunched at once, then after a backoff of 100 ms doubling to 5 s if it
 *       keeps dying. A worker whose own start fails {@value #MAX_START_FAILURES} times in a row fails the run with
 *       its last stderr line; outside kills while starting do not count, so a kill storm slows the run down but does
 *       not end it, unless no worker at all gets ready for a minute.</li>
 *   <li><b>Space.</b> Input is written in segments ({@link StageQueues}); a segment is deleted once no pending batch
 *       has its latest excerpt there. Result segments are deleted by their {@link ResultReader}.</li>
 * </ul>
 */
final class StageConductor implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StageConductor.class);
    /** Deaths of workers holding a whole batch before it is suspected as poison and split. */
    static final int POISON_DEATHS = 2;
    static final int MAX_START_FAILURES = 3;
    /** How long a stage may go without any ready worker (all of them starting, or being killed) before it fails. */
    static final long NO_READY_WORKER_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    /** Outside kills of workers holding the same batch before the batch is suspected after all. */
    static final int MAX_EXTERNAL_KILLS = 5;
    /** Exit values a JVM reports when SIGKILL or SIGTERM ended it (128 + the signal). */
    static final int EXIT_SIGKILL = 137;
    static final int EXIT_SIGTERM = 143;
    /** Wire sequences of batch parts: far above any real batch sequence. */
    private static final long FIRST_PART_SEQUENCE = 1L << 62;
    static final long HEARTBEAT_TIMEOUT_MS = 5_000;
    static final long STARTUP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long SUPERVISE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long HOUSEKEEPING_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final String stageName;
    private final StageMetrics metrics;
    private final QueueDirectory queueDir;
    private final Path stageDir;
    private final ControlFile control;
    private final WorkerLauncher launcher;
    private final long segmentBytes;
    private final long batchTimeoutMs;
    private final QueueSpace space;
    private final WorkerSlot[] slots;
    private final BatchCodec codec = new BatchCodec();
    private final ConcurrentLinkedQueue<PendingBatch> inbox = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> allReady = new CompletableFuture<>();
    // ---- owned by the conductor thread ----
    private final Map<Long, PendingBatch> pending = new HashMap<>();
    private final Map<Long, Long> sequenceByExcerpt = new HashMap<>();
    private final ArrayDeque<PendingBatch> toAppend = new ArrayDeque<>();
    private final TreeMap<Long, Integer> liveExcerptsBySegment = new TreeMap<>();
    private SingleChronicleQueue input;
    private ExcerptAppender appender;
    private long inputSegment = -1;
    private long inputSegmentBytes;
    private long nextSuperviseNanos;
    private long nextHousekeepingNanos;
    private long duplicatesDropped;
    private long nextPartSequence = FIRST_PART_SEQUENCE;
    /** When a worker was last seen ready (or the stage started), for {@link #checkSomeWorkerReady}. */
    private long lastReadyNanos;
    // ---- shared ----
    private volatile boolean running = true;
    private volatile PipelineException failure;

    StageConductor(String stageName, StageMetrics metrics, QueueDirectory queueDir, ControlFile control,
                   WorkerLauncher launcher, long segmentBytes, int workers, long batchTimeoutMs) {
        this.stageName = stageName;
        this.batchTimeoutMs = batchTimeoutMs;
        this.space = new QueueSpace(stageName, queueDir.path(), segmentBytes, workers);
        this.metrics = metrics;
        this.queueDir = queueDir;
        this.stageDir = queueDir.path();
        this.control = control;
        this.launcher = launcher;
        this.segmentBytes = segmentBytes;
        this.slots = new WorkerSlot[workers];
        for (int i = 0; i < workers; i++) {
            slots[i] = new WorkerSlot(i);
        }
    }

    WorkerSlot[] slots() {
        return slots;
    }

    /** Completes when every worker has been ready once, or fails with the start-up error. */
    CompletableFuture<Void> allReady() {
        return allReady;
    }

    /** Hands a batch to the conductor; any thread, never blocks. */
    void submit(PendingBatch p) {
        PipelineException f = failure;
        if (f != null || !running) {
            p.sink.error(f != null ? f : new PipelineException("stage '" + stageName + "' is closed"));
            return;
        }
        inbox.add(p);
    }

    PipelineException failure() {
        return failure;
    }

    /** Asks the loop to end; the thread closes its queues on the way out. */
    void stop() {
        running = false;
    }

    @Override
    public void run() {
        IdleStrategy idle = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(1));
        try {
            rollInput();
            for (WorkerSlot slot : slots) {
                launch(slot);
            }
            while (running) {
                idle.idle(doWork());
            }
        } catch (PipelineException e) {
            fail(e);
        } catch (Throwable t) {
            fail(QueueSpace.isMappedFileFault(t) ? space.full(-1)
                    : new PipelineException("stage '" + stageName + "': process supervisor failed: " + t, t));
        } finally {
            closeQueues();
            failAll(failure != null ? failure
                    : new PipelineException("stage '" + stageName + "' was closed before the batch completed"));
        }
    }

    private int doWork() throws IOException {
        int work = 0;
        PendingBatch p;
        while ((p = inbox.poll()) != null) {
            work++;
            if (failure != null) {
                p.sink.error(failure);
                continue;
            }
            pending.put(p.batch.sequence(), p);
            toAppend.add(p);
        }
        work += appendWaiting();
        for (WorkerSlot slot : slots) {
            if (slot.reader != null) {
                work += slot.reader.poll(frame -> onFrame(slot, frame), 64);
            }
        }
        long now = System.nanoTime();
        if (now - nextSuperviseNanos >= 0) {
            nextSuperviseNanos = now + SUPERVISE_INTERVAL_NS;
            supervise(now);
        }
        if (now - nextHousekeepingNanos >= 0) {
            nextHousekeepingNanos = now + HOUSEKEEPING_INTERVAL_NS;
            reclaimInputSegments();
            queueDir.secure();
        }
        return work;
    }

    // ---------------------------------------------------------------- input side

    private int appendWaiting() throws IOException {
        int n = 0;
        while (!toAppend.isEmpty() && control.publishedCount() - control.claimCounter() < control.ringCapacity()
                && space.hasRoom(System.nanoTime())) {
            PendingBatch p = toAppend.poll();
            if (!p.root().cancelled && pending.get(p.wireSequence()) == p) {
                append(p);
                n++;
            }
        }
        return n;
    }

    private void append(PendingBatch p) throws IOException {
        long frameBytes = BatchCodec.frameBytes(p.batch);
        if (inputSegmentBytes > 0 && inputSegmentBytes + frameBytes > segmentBytes) {
            rollInput();
        }
        p.attempt++;
        try (DocumentContext dc = appender.writingDocument()) {
            codec.encode(BatchCodec.KIND_BATCH, p.batch, p.attempt, 0, dc.wire().bytes());
        }
        long excerpt = control.publish(inputSegment, appender.lastIndexAppended());
        sequenceByExcerpt.put(excerpt, p.batch.sequence());
        p.excerpts.add(excerpt);
        p.segment = inputSegment;
        liveExcerptsBySegment.merge(inputSegment, 1, Integer::sum);
        inputSegmentBytes += frameBytes;
    }

    private void rollInput() throws IOException {
        if (input != null) {
            appender.close();
            input.close();
        }
        inputSegment++;
        inputSegmentBytes = 0;
        reclaimInputSegments();
        liveExcerptsBySegment.putIfAbsent(inputSegment, 0);
        input = StageQueues.open(queueDir.subdirectory("in-" + inputSegment));
        appender = input.createAppender();
    }

    /**
     * The batch's latest excerpt is no longer needed where it is (answered, or about to be re-appended). A segment
     * left with no live excerpt is deleted at once: at full speed the input moves through a segment in a fraction of
     * a second, and waiting for the next housekeeping tick let finished segments pile up (a 3M run peaked at 70 MB
     * of /dev/shm that way, more than a container's default 64 MB).
     */
    private void dropSegmentReference(PendingBatch p) {
        if (p.segment >= 0) {
            if (liveExcerptsBySegment.merge(p.segment, -1, Integer::sum) == 0 && p.segment < inputSegment) {
                reclaimInputSegments();
            }
            p.segment = -1;
        }
    }

    private void reclaimInputSegments() {
        Iterator<Map.Entry<Long, Integer>> it = liveExcerptsBySegment.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Integer> e = it.next();
            if (e.getKey() >= inputSegment) {
                return;
            }
            if (e.getValue() == 0) {
                QueueDirectory.deleteTree(StageQueues.inputSegment(stageDir, e.getKey()));
                it.remove();
            }
        }
    }

    /** Forgets a batch's excerpts: it no longer needs its input segment. */
    private void release(PendingBatch p) {
        dropSegmentReference(p);
        for (int i = 0; i < p.excerpts.size(); i++) {
            sequenceByExcerpt.remove(p.excerpts.get(i));
        }
    }

    // ---------------------------------------------------------------- result side

    private void onFrame(WorkerSlot slot, BatchCodec.Frame frame) {
        PendingBatch p = pending.remove(frame.sequence());
        if (p == null) {
            duplicatesDropped++;
            LOG.debug("stage '{}': dropped a late duplicate result of batch {} from worker {}", stageName,
                    frame.sequence(), slot.index);
            return;
        }
        release(p);
        slot.consecutiveDeaths = 0;
        if (frame.kind() == BatchCodec.KIND_FAILURE) {
            if (frame.failure().startsWith(WorkerMain.OUT_OF_MEMORY)) {
                // The worker survived (the batch's garbage was freed as the error unwound): retry in halves.
                onOutOfMemory(p, frame.failure());
            } else {
                complete(p, null, PipelineException.stageFailed(stageName, p.root().batch, "worker " + slot.index,
                        frame.failure()));
            }
            return;
        }
        RecordBatch out = frame.batch().withRejectContext(stageName, frame.attempt() + 1, System.currentTimeMillis());
        metrics.recordBatch(frame.busyNanos(), p.batch.size(), out.size(), out.rejects().size());
        slot.batches.incrementAndGet();
        slot.records.addAndGet(p.batch.size());
        complete(p, out, null);
    }

    /** Delivers a result or an error; a part's result waits for its sibling, then the two go up joined. */
    private static void complete(PendingBatch p, RecordBatch out, Throwable error) {
        PendingBatch root = p.root();
        if (root.cancelled) {
            return;
        }
        if (error != null) {
            root.sink.error(error);
            return;
        }
        PendingBatch at = p;
        RecordBatch result = out;
        while (at.parent != null && result != null) {
            result = at.completePart(result);
            at = at.parent;
        }
        if (result != null) {
            root.sink.success(result);
        }
    }

    /**
     * Sends the records of {@code p} to the dead-letter output with {@code reason}: only ever a single record, once
     * splitting has isolated it (or a batch that cannot be split).
     */
    private void quarantine(PendingBatch p, String reason, String why) {
        pending.remove(p.wireSequence());
        release(p);
        RecordBatch in = p.batch;
        long now = System.currentTimeMillis();
        RecordBatchBuilder b = RecordBatch.builder(in.sequence());
        for (int i = 0; i < in.size(); i++) {
            b.reject(new Reject(in.position(i), reason, in.recordCopy(i), stageName, p.attempt + 1, now));
        }
        LOG.error("stage '{}': the record at line {} {}; it goes to the dead-letter output as {}", stageName,
                p.firstLine(), why, reason);
        metrics.recordBatch(0, in.size(), 0, in.size());
        complete(p, b.build(), null);
    }

    /** Replaces {@code p} by its two halves, which are delivered in its place. */
    private void split(PendingBatch p, String why) {
        pending.remove(p.wireSequence());
        release(p);
        PendingBatch[] parts = p.split(nextPartSequence);
        nextPartSequence += 2;
        LOG.warn("stage '{}': batch {} ({} records from line {}) {}; retrying it in two halves", stageName,
                p.root().batch.sequence(), p.batch.size(), p.firstLine(), why);
        for (PendingBatch part : parts) {
            pending.put(part.wireSequence(), part);
            toAppend.add(part);
        }
    }

    /** A worker ran out of memory on {@code p}: a resource failure, not bad data. Smaller pieces, or a clear end. */
    private void onOutOfMemory(PendingBatch p, String failure) {
        if (p.batch.size() > 1) {
            split(p, "ran a worker out of memory");
        } else {
            PipelineException e = PipelineException.stageFailed(stageName, p.root().batch, "a worker",
                    "the record at line " + p.firstLine()
                            + " does not fit in its heap (" + failure + ")");
            pending.remove(p.wireSequence());
            release(p);
            complete(p, null, e); // p may be out of the pending table already: fail its root here
            fail(e);
        }
    }

    // ---------------------------------------------------------------- supervision

    private void supervise(long now) throws IOException {
        boolean everyoneReady = true;
        for (WorkerSlot slot : slots) {
            if (slot.process != null) {
                if (!slot.process.isAlive()) {
                    onDeath(slot, now);
                } else if (!slot.ready) {
                    checkReady(slot, now);
                } else {
                    long silentMs = System.currentTimeMillis() - control.heartbeatMs(slot.index);
                    if (silentMs > HEARTBEAT_TIMEOUT_MS) {
                        kill(slot, "no heartbeat for " + silentMs + " ms");
                    }
                    checkBatchTimeout(slot, now);
                }
            } else if (slot.restartAtNanos >= 0 && now - slot.restartAtNanos >= 0 && failure == null) {
                launch(slot);
            }
            everyoneReady &= slot.everReady;
        }
        if (everyoneReady && !allReady.isDone()) {
            allReady.complete(null);
        }
        checkSomeWorkerReady(now);
    }

    /**
     * Fails the stage if none of its workers has been ready for {@link #NO_READY_WORKER_TIMEOUT_NS}: what ends a run
     * whose workers are killed from outside faster than they can start (their own start failures end it sooner).
     */
    private void checkSomeWorkerReady(long now) {
        boolean anyReady = false;
        int kills = 0;
        for (WorkerSlot slot : slots) {
            anyReady |= slot.ready;
            kills += slot.startKills;
        }
        if (anyReady || lastReadyNanos == 0) {
            lastReadyNanos = now;
        } else if (now - lastReadyNanos > NO_READY_WORKER_TIMEOUT_NS && failure == null) {
            fail(new PipelineException("stage '" + stageName + "': no worker has been ready for "
                    + TimeUnit.NANOSECONDS.toSeconds(NO_READY_WORKER_TIMEOUT_NS) + " s (workers were killed from"
                    + " outside " + kills + " times while starting)"));
        }
    }

    private void checkReady(WorkerSlot slot, long now) throws IOException {
        if (control.state(slot.index) == ControlFile.STATE_READY) {
            slot.ready = true;
            slot.everReady = true;
            slot.consecutiveStartFailures = 0;
            slot.startKills = 0;
            slot.startupNanos.addAndGet(now - slot.launchNanos);
            slot.reader = new ResultReader(stageDir, slot.index, slot.incarnation, codec);
            LOG.debug("stage '{}': worker {} ready in {} ms", stageName, slot.index,
                    (now - slot.launchNanos) / 1_000_000);
        } else if (now - slot.launchNanos > STARTUP_TIMEOUT_NS) {
            kill(slot, "not ready after " + TimeUnit.NANOSECONDS.toSeconds(STARTUP_TIMEOUT_NS) + " s");
        }
    }

    /**
     * A worker that holds the same claim longer than the batch timeout is stuck in its transform (the heartbeat
     * thread keeps beating): kill it, and its batch is retried like a crash, then split, then dead-lettered.
     */
    private void checkBatchTimeout(WorkerSlot slot, long now) {
        long claim = control.currentClaim(slot.index);
        if (claim != slot.watchedClaim) {
            slot.watchedClaim = claim;
            slot.watchedSinceNanos = now;
        } else if (claim != ControlFile.NO_CLAIM
                && now - slot.watchedSinceNanos > TimeUnit.MILLISECONDS.toNanos(batchTimeoutMs)) {
            PendingBatch p = pendingForClaim(claim);
            kill(slot, "batch " + (p == null ? "?" : p.root().batch.sequence() + " (" + p.batch.size()
                    + " records from line " + p.firstLine() + ")")
                    + " has run longer than the batch timeout of " + batchTimeoutMs + " ms");
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

    private void onDeath(WorkerSlot slot, long now) throws IOException {
        int exit = slot.process.exitValue();
        long pid = slot.process.pid();
        boolean wasReady = slot.ready;
        Death death = exit == WorkerMain.EXIT_OUT_OF_MEMORY ? Death.OUT_OF_MEMORY
                : slot.killed ? (slot.killedForTimeout ? Death.TIMEOUT : Death.CRASH)
                : exit == EXIT_SIGKILL || exit == EXIT_SIGTERM ? Death.EXTERNAL_KILL
                : Death.CRASH;
        if (slot.reader != null) {
            slot.reader.drain(frame -> onFrame(slot, frame));
            slot.reader.close(true);
            slot.reader = null;
        }
        boolean heldABatch = control.currentClaim(slot.index) != ControlFile.NO_CLAIM;
        redeliverClaim(slot, death);
        slot.process = null;
        slot.ready = false;
        slot.killed = false;
        slot.killedForTimeout = false;
        if (exit == WorkerMain.EXIT_QUEUE_FULL) {
            fail(space.full(-1));
            return;
        }
        if (exit == WorkerMain.EXIT_OPEN_FAILED) {
            // The transform's own open failed: deterministic, so a restart would only fail the same way.
            fail(new PipelineException("stage '" + stageName + "' failed to start: " + slot.awaitLastErrorLine()));
            return;
        }
        if (death == Death.OUT_OF_MEMORY && !heldABatch) {
            fail(new PipelineException("stage '" + stageName + "': worker " + slot.index + " ran out of memory"
                    + " outside any batch (" + slot.awaitLastErrorLine() + "); raise the worker heap:"
                    + " ProcessSettings.workerHeapMb, --worker-heap-mb on the command line"));
            return;
        }
        if (!wasReady) {
            String lastError = slot.awaitLastErrorLine();
            LOG.warn("stage '{}': worker {} (pid {}) exited with code {} before it was ready: {}", stageName,
                    slot.index, pid, exit, lastError);
            // Killed from outside while starting (a kill storm) says nothing about our code: only failures of its
            // own count. Outside kills are bounded by time instead (see checkSomeWorkerReady), so that a stage whose
            // workers never get ready fails rather than restarting them for ever.
            if (death == Death.EXTERNAL_KILL) {
                slot.startKills++;
            } else if (++slot.consecutiveStartFailures >= MAX_START_FAILURES) {
                fail(new PipelineException("stage '" + stageName + "': worker " + slot.index + " failed to start "
                        + slot.consecutiveStartFailures + " times in a row (last exit code " + exit
                        + "); last error: " + lastError));
                return;
            }
        } else {
            LOG.warn("stage '{}': worker {} (pid {}) exited with code {}; restarting it", stageName, slot.index,
                    pid, exit);
        }
        // The first death restarts at once (a replacement is what the run needs); repeated crashes back off.
        // Outside kills do not: backing off would only leave the stage short of workers for longer.
        if (death != Death.EXTERNAL_KILL) {
            slot.consecutiveDeaths++;
        }
        long backoffMs = slot.consecutiveDeaths <= 1 ? 0
                : Math.min(5_000, 100L << Math.min(6, slot.consecutiveDeaths - 2));
        slot.restartAtNanos = now + TimeUnit.MILLISECONDS.toNanos(backoffMs);
    }

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

    /** Re-appends, splits or quarantines the batch a dead worker held, if it is still unanswered. */
    private void redeliverClaim(WorkerSlot slot, Death death) {
        long claim = control.currentClaim(slot.index);
        if (claim == ControlFile.NO_CLAIM) {
            return;
        }
        for (WorkerSlot other : slots) {
            if (other != slot && other.process != null && control.currentClaim(other.index) == claim) {
                return; // the dead worker only intended to claim it; a live one owns it
            }
        }
        PendingBatch p = pendingForClaim(claim);
        if (p == null) {
            return;
        }
        if (death == Death.EXTERNAL_KILL && ++p.externalKills > MAX_EXTERNAL_KILLS) {
            death = Death.CRASH; // so often that it is no coincidence (the kernel's OOM killer sends SIGKILL too)
        }
        switch (death) {
            case OUT_OF_MEMORY -> onOutOfMemory(p, "the worker died of OutOfMemoryError");
            case EXTERNAL_KILL -> redeliver(p, slot);
            case CRASH, TIMEOUT -> {
                p.deaths++;
                // A whole batch must kill twice before it is suspected; a half of a suspect, once.
                if (p.deaths < (p.parent == null ? POISON_DEATHS : 1)) {
                    redeliver(p, slot);
                } else if (p.batch.size() > 1) {
                    split(p, death == Death.TIMEOUT ? "timed out " + p.deaths + " times"
                            : "killed " + p.deaths + " workers");
                } else if (death == Death.TIMEOUT) {
                    quarantine(p, Reject.Reasons.TRANSFORM_TIMEOUT, "took its transform longer than "
                            + batchTimeoutMs + " ms");
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
        dropSegmentReference(p);
        toAppend.add(p);
    }

    private void launch(WorkerSlot slot) throws IOException {
        slot.incarnation++;
        control.resetWorker(slot.index, slot.incarnation);
        if (slot.incarnation > 0) {
            slot.restarts.incrementAndGet();
        }
        slot.restartAtNanos = -1;
        slot.ready = false;
        slot.killed = false;
        slot.watchedClaim = ControlFile.NO_CLAIM;
        slot.launchNanos = System.nanoTime();
        slot.process = launcher.launch(slot);
    }

    /** The unanswered batch delivered as excerpt {@code claim}, or null. */
    private PendingBatch pendingForClaim(long claim) {
        Long sequence = sequenceByExcerpt.get(claim);
        return sequence == null ? null : pending.get(sequence);
    }

    private void fail(PipelineException e) {
        if (failure == null) {
            failure = e;
            LOG.error(e.getMessage());
        }
        allReady.completeExceptionally(failure);
        failAll(failure);
    }

    private void failAll(PipelineException e) {
        for (PendingBatch p : pending.values()) {
            complete(p, null, e);
        }
        pending.clear();
        toAppend.clear();
        PendingBatch p;
        while ((p = inbox.poll()) != null) {
            complete(p, null, e);
        }
    }

    private void closeQueues() {
        for (WorkerSlot slot : slots) {
            if (slot.reader != null) {
                slot.reader.close();
                slot.reader = null;
            }
        }
        if (input != null) {
            appender.close();
            input.close();
            input = null;
        }
        if (duplicatesDropped > 0) {
            LOG.info("stage '{}': dropped {} late duplicate results", stageName, duplicatesDropped);
        }
    }

    /** Process handles of the live workers, for shutdown (read after the thread ended). */
    List<Process> processes() {
        List<Process> list = new java.util.ArrayList<>();
        for (WorkerSlot slot : slots) {
            if (slot.process != null) {
                list.add(slot.process);
            }
        }
        return list;
    }
}
