package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Stage;
import dev.hybridetl.api.StageResult;
import dev.hybridetl.api.spi.StageRunner;
import dev.hybridetl.api.spi.StageRunnerContext;
import dev.hybridetl.ipc.ControlFile;
import dev.hybridetl.ipc.QueueDirectory;
import dev.hybridetl.ipc.StageQueues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a plugin stage on supervised worker JVMs fed through Chronicle queues (see {@link StageConductor} for the
 * design, {@link dev.hybridetl.ipc.StageQueues} for the directory layout).
 *
 * <p>Threads: {@link #process} only enqueues (any thread, never blocks). The conductor thread does all queue work;
 * results are delivered on a single {@code etl-<stage>-results} thread so that downstream operators never run on
 * the conductor. {@link #close()} blocks while it stops the workers.
 */
final class ProcessStageRunner implements StageRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessStageRunner.class);
    /** System property: bytes per queue segment (tests use small values to exercise reclamation). */
    static final String SEGMENT_BYTES_PROPERTY = "hybridetl.ipc.segmentBytes";
    private static final long START_TIMEOUT_S = 120;
    /** How long workers get to exit after the stop flag (they check it between batches) before they are killed. */
    private static final long STOP_GRACE_MS = 1_000;
    /** How long to wait for killed workers to be reaped. */
    private static final long KILL_WAIT_MS = 5_000;

    private final Stage stage;
    private final ProcessSettings settings;
    private final QueueDirectory queueDir;
    private final ControlFile control;
    private final StageConductor conductor;
    private final WorkerLauncher launcher;
    private final Thread conductorThread;
    private final Scheduler results;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ProcessStageRunner(StageRunnerContext ctx, QueueDirectory queueDir, ControlFile control,
                               StageConductor conductor, WorkerLauncher launcher) {
        this.launcher = launcher;
        this.stage = ctx.stage();
        this.settings = ctx.processSettings();
        this.queueDir = queueDir;
        this.control = control;
        this.conductor = conductor;
        this.conductorThread = new Thread(conductor, "etl-" + stage.name() + "-conductor");
        this.conductorThread.setDaemon(true);
        this.results = Schedulers.newSingle("etl-" + stage.name() + "-results", true);
    }

    /** Creates the queue directory, launches the workers and waits until each one is ready. Blocking. */
    static ProcessStageRunner start(StageRunnerContext ctx, WorkerClassPath classPath) throws Exception {
        Stage stage = ctx.stage();
        if (!stage.isPlugin()) {
            throw new IllegalArgumentException("stage '" + stage.name() + "' is not a plugin and cannot run in"
                    + " worker processes");
        }
        long segmentBytes = Long.getLong(SEGMENT_BYTES_PROPERTY, StageQueues.DEFAULT_SEGMENT_BYTES);
        // A default queue directory goes to /dev/shm only if the stage fits there with room to spare.
        QueueDirectory queueDir = QueueDirectory.acquire(ctx.processSettings().queueDir(),
                "stage-" + ctx.stageIndex(), 2 * QueueSpace.reserveBytes(segmentBytes, stage.workers()));
        if (queueDir.fellBackFromShm()) {
            LOG.warn("stage '{}': /dev/shm has less than {} MiB free; the queues go to {} instead (a disk-backed"
                    + " directory: a little slower, the page cache does most of the work)", stage.name(),
                    2 * QueueSpace.reserveBytes(segmentBytes, stage.workers()) >> 20, queueDir.root());
        }
        ControlFile control = null;
        try {
            int ring = 2 * ctx.maxInFlightBatches() + 4 * stage.workers() + 16;
            control = ControlFile.create(StageQueues.controlFile(queueDir.path()), ring, stage.workers());
            new WorkerSpec(stage.name(), stage.pluginId(), stage.config(), ctx.header(), segmentBytes)
                    .write(StageQueues.workerSpecFile(queueDir.path()));
        } catch (Throwable e) {
            if (control != null) {
                control.close();
            }
            queueDir.close(true);
            throw PipelineException.wrap("stage '" + stage.name() + "' failed to start: cannot create its queues in "
                    + queueDir.path(), e);
        }
        WorkerLauncher launcher = new WorkerLauncher(queueDir.path(), ctx.processSettings(), classPath,
                ctx.workerPool() instanceof ProcessWorkerPool pool ? pool : null);
        StageConductor conductor = new StageConductor(stage.name(), ctx.metrics(), queueDir, control, launcher,
                segmentBytes, stage.workers(), stage.batchTimeout().toMillis());
        ProcessStageRunner runner = new ProcessStageRunner(ctx, queueDir, control, conductor, launcher);
        runner.conductorThread.start();
        try {
            conductor.allReady().get(START_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            runner.close();
            throw e.getCause() instanceof PipelineException pe ? pe
                    : new PipelineException("stage '" + stage.name() + "': workers failed to start", e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            runner.close();
            throw new PipelineException("stage '" + stage.name() + "': workers were not ready within "
                    + START_TIMEOUT_S + " s", e);
        }
        LOG.info("stage '{}': {} worker processes ready in {} (queues in {})", stage.name(), stage.workers(),
                startupSummary(conductor), queueDir.path());
        return runner;
    }

    private static String startupSummary(StageConductor conductor) {
        StringBuilder sb = new StringBuilder();
        for (WorkerSlot slot : conductor.slots()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(slot.startupNanos.get() / 1_000_000).append(" ms");
        }
        return sb.toString();
    }

    @Override
    public Mono<RecordBatch> process(RecordBatch batch) {
        RecordBatch records = batch.rejects().isEmpty() ? batch : withoutRejects(batch);
        return Mono.<RecordBatch>create(sink -> {
            PendingBatch p = new PendingBatch(records, sink);
            sink.onCancel(() -> p.cancelled = true);
            conductor.submit(p);
        }).publishOn(results);
    }

    /** The engine re-attaches earlier rejects to our output, so workers never need them. */
    private static RecordBatch withoutRejects(RecordBatch b) {
        return PendingBatch.slice(b, 0, b.size(), b.sequence());
    }

    @Override
    public List<StageResult.WorkerResult> workerResults() {
        List<StageResult.WorkerResult> list = new ArrayList<>();
        for (WorkerSlot slot : conductor.slots()) {
            list.add(slot.result());
        }
        return list;
    }

    /**
     * Stops the conductor, asks the workers to stop (stop flag), kills those that have not exited
     * {@value #STOP_GRACE_MS} ms later, and waits for every one. Deletes the queue directory unless the user asked to
     * keep it ({@code --keep-queues}), whether the run succeeded, failed or was cancelled. Every step runs whatever
     * an earlier one threw.
     *
     * @throws PipelineException if a worker's transform failed to close (with the worker's message)
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        PipelineException failure = null;
        try {
            conductor.stop();
            conductorThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            launcher.stopWorkers(conductor.slots(), control, STOP_GRACE_MS, KILL_WAIT_MS);
        } finally {
            for (WorkerSlot slot : conductor.slots()) {
                Process p = slot.process;
                if (p != null && !p.isAlive() && p.exitValue() == WorkerMain.EXIT_CLOSE_FAILED) {
                    PipelineException e = new PipelineException("stage '" + stage.name() + "' failed to stop: "
                            + slot.awaitLastErrorLine());
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        // Deleted after failures and cancels too: nothing may be left behind unless the user asked to keep it.
        boolean delete = !conductorThread.isAlive() && !settings.keepQueues();
        try {
            control.close();
        } finally {
            queueDir.close(delete);
            results.dispose();
        }
        if (!delete) {
            LOG.warn("stage '{}': queues kept in {} (later runs leave them alone: delete them when done)",
                    stage.name(), queueDir.path());
        }
        if (failure != null) {
            throw failure;
        }
    }
}
