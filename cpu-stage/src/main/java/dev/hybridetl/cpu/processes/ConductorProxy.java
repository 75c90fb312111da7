package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.PipelineException;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * How other threads talk to a stage's {@link StageConductor}: the pipeline's threads hand it batches and stop it,
 * the {@link WorkerSupervisor} reports workers that became ready or died, and anyone may fail the stage. Every
 * method enqueues or sets a volatile flag and returns at once; the conductor acts on the commands in its duty cycle.
 *
 * <p>A batch submitted while or after the conductor closes is failed at once, never left unanswered: the conductor
 * sets {@link #closed} before its last drain, and a submitter that sees it afterwards drains too (each batch is
 * polled, and so answered, exactly once).
 */
final class ConductorProxy {
    /** A command from the supervisor, executed on the conductor thread. */
    sealed interface Command permits WorkerReady, WorkerDied, Fail {
    }

    /** The worker of {@code slot}, incarnation {@code incarnation}, is ready: its results can be read. */
    record WorkerReady(WorkerSlot slot, long incarnation) implements Command {
    }

    /**
     * The worker of {@code slot} died: drain its results, deal with the batch it held according to {@code death},
     * then tell the supervisor ({@link WorkerSupervisor#deathHandled}); then fail the stage with {@code verdict} if
     * it is not null.
     */
    record WorkerDied(WorkerSlot slot, WorkerSupervisor.Death death, PipelineException verdict) implements Command {
    }

    /** Fail the stage. */
    record Fail(PipelineException failure) implements Command {
    }

    private final String stageName;
    final ConcurrentLinkedQueue<PendingBatch> batches = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    private volatile boolean closed;
    private volatile PipelineException failure;

    ConductorProxy(String stageName) {
        this.stageName = stageName;
    }

    /** Hands a batch to the conductor; any thread, never blocks. */
    void submit(PendingBatch p) {
        PipelineException f = failure;
        if (f != null || !running) {
            p.sink.error(f != null ? f : closedError());
            return;
        }
        batches.add(p);
        if (closed) {
            failBatches(closedError());
        }
    }

    /** Asks the conductor to end; it closes its queues on the way out. */
    void stop() {
        running = false;
    }

    void workerReady(WorkerSlot slot, long incarnation) {
        commands.add(new WorkerReady(slot, incarnation));
    }

    void workerDied(WorkerSlot slot, WorkerSupervisor.Death death, PipelineException verdict) {
        commands.add(new WorkerDied(slot, death, verdict));
    }

    void fail(PipelineException e) {
        commands.add(new Fail(e));
    }

    /** The stage's failure, once the conductor has failed it; else {@code null}. */
    PipelineException failure() {
        return failure;
    }

    boolean running() {
        return running;
    }

    // ---- the conductor's side ----

    /** Records the stage's failure (conductor thread): later submits fail at once. */
    void failed(PipelineException e) {
        failure = e;
    }

    /** The conductor is past its last drain (conductor thread). */
    void closed() {
        closed = true;
    }

    /** Fails every batch still queued with {@code e}. */
    void failBatches(Throwable e) {
        PendingBatch p;
        while ((p = batches.poll()) != null) {
            p.complete(null, e);
        }
    }

    private PipelineException closedError() {
        return new PipelineException("stage '" + stageName + "' is closed");
    }
}
