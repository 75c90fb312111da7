package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Stage;
import dev.hybridetl.api.StageResult;
import dev.hybridetl.api.spi.StageRunner;
import dev.hybridetl.api.spi.StageRunnerContext;
import dev.hybridetl.ipc.ControlPublisher;
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
 * Runs a plugin stage on supervised worker JVMs fed through Chronicle queues: assembles the parts ({@link
 * StageConductor} for the queues, {@link WorkerSupervisor} for the processes, {@link ProcessStageSettings} for their
 * settings), starts them and stops them. {@link dev.hybridetl.ipc.StageQueues} shows the directory layout.
 *
 * <p>Threads: {@link #process} only enqueues through the {@link ConductorProxy} (any thread, never blocks). The
 * conductor thread does all queue work, the supervisor thread all process work; results are delivered on a single
 * {@code etl-<stage>-results} thread so that downstream operators never run on the conductor. {@link #close()}
 * blocks while it stops the workers.
 */
final class ProcessStageRunner implements StageRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessStageRunner.class);
    /** How long close waits for the conductor thread to end. */
    private static final long CONDUCTOR_JOIN_MS = 10_000;

    private final Stage stage;
    private final ProcessSettings settings;
    private final QueueDirectory queueDir;
    private final ControlPublisher control;
    private final WorkerMeters meters;
    private final ConductorProxy conductor;
    private final WorkerSupervisor supervisor;
    private final WorkerLauncher launcher;
    private final Thread conductorThread;
    private final Scheduler results;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ProcessStageRunner(StageRunnerContext ctx, ProcessStageSettings stageSettings, QueueDirectory queueDir,
                               ControlPublisher control, WorkerMeters meters, WorkerLauncher launcher) {
        this.meters = meters;
        this.launcher = launcher;
        this.stage = ctx.stage();
        this.settings = ctx.processSettings();
        this.queueDir = queueDir;
        this.control = control;
        QueueSpace space = new QueueSpace(stageSettings, queueDir.path());
        this.conductor = new ConductorProxy(stage.name());
        this.supervisor = new WorkerSupervisor(stageSettings, control, launcher, space, conductor);
        this.conductorThread = new Thread(new StageConductor(stageSettings, ctx.metrics(), queueDir, control, space,
                conductor, supervisor), "etl-" + stage.name() + "-conductor");
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
        ProcessStageSettings stageSettings = ProcessStageSettings.conclude(ctx);
        // A default queue directory goes to /dev/shm only if the stage fits there with room to spare.
        long wantedBytes = stageSettings.queueFootprintBytes() + 2 * stageSettings.queueReserveBytes();
        QueueDirectory queueDir = QueueDirectory.acquire(ctx.processSettings().queueDir(),
                "stage-" + ctx.stageIndex(), wantedBytes);
        if (queueDir.fellBackFromShm()) {
            LOG.warn("stage '{}': /dev/shm has less than {} MiB free; the queues go to {} instead (a disk-backed"
                    + " directory: a little slower, the page cache does most of the work)", stage.name(),
                    wantedBytes >> 20, queueDir.root());
        }
        ControlPublisher control = null;
        WorkerMeters meters = null;
        try {
            control = ControlPublisher.create(StageQueues.controlFile(queueDir.path()), stageSettings.ringCapacity(),
                    stage.workers());
            meters = WorkerMeters.register(queueDir.path(), stage.name(), stage.workers(), ctx.registry());
            new WorkerSpec(stage.name(), stage.pluginId(), stage.config(), ctx.header(),
                    stageSettings.resultRingBytes())
                    .write(StageQueues.workerSpecFile(queueDir.path()));
        } catch (Throwable e) {
            if (control != null) {
                control.close();
            }
            if (meters != null) {
                meters.close();
            }
            queueDir.close(true);
            throw PipelineException.wrap("stage '" + stage.name() + "' failed to start: cannot create its queues in "
                    + queueDir.path(), e);
        }
        WorkerLauncher launcher = new WorkerLauncher(queueDir.path(), ctx.processSettings(), classPath,
                ctx.workerPool() instanceof ProcessWorkerPool pool ? pool : null);
        ProcessStageRunner runner = new ProcessStageRunner(ctx, stageSettings, queueDir, control, meters,
                launcher);
        runner.conductorThread.start();
        runner.supervisor.start();
        try {
            runner.supervisor.allReady().get(stageSettings.stageStartTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            runner.close();
            throw e.getCause() instanceof PipelineException pe ? pe
                    : new PipelineException("stage '" + stage.name() + "': workers failed to start", e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            runner.close();
            throw new PipelineException("stage '" + stage.name() + "': workers were not ready within "
                    + stageSettings.stageStartTimeoutMs() / 1000 + " s", e);
        }
        LOG.info("stage '{}': {} worker processes ready in {} (queues in {})", stage.name(), stage.workers(),
                runner.startupSummary(), queueDir.path());
        return runner;
    }

    private String startupSummary() {
        StringBuilder sb = new StringBuilder();
        for (WorkerSlot slot : supervisor.slots()) {
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
        for (WorkerSlot slot : supervisor.slots()) {
            list.add(slot.result());
        }
        return list;
    }

    /**
     * Stops the conductor, then the workers ({@link WorkerSupervisor#stopWorkers}), and deletes the queue directory
     * unless the user asked to keep it ({@code --keep-queues}), whether the run succeeded, failed or was cancelled.
     * Every step runs whatever an earlier one threw.
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
            conductorThread.join(CONDUCTOR_JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            failure = supervisor.stopWorkers();
        }
        // Deleted after failures and cancels too: nothing may be left behind unless the user asked to keep it.
        boolean delete = !conductorThread.isAlive() && !settings.keepQueues();
        try {
            meters.close();
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
