package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.Stage;
import dev.hybridetl.api.spi.StageRunner;
import dev.hybridetl.api.spi.StageRunnerContext;
import dev.hybridetl.api.spi.StageRunnerFactory;
import dev.hybridetl.api.spi.WorkerPoolBackend;
import dev.hybridetl.ipc.JvmAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Provides the {@link Placement#PROCESSES} placement: the stage's transform runs in {@code workers} separate JVMs,
 * fed and drained through Chronicle queues in a private directory (see {@link ProcessStageRunner}).
 *
 * <p>The pipeline JVM itself needs the flags of {@link JvmAccess#requiredFlags()} ({@code --add-exports
 * java.base/sun.nio.ch} above all); {@link #start} checks them before it touches Chronicle or Agrona and fails with
 * one message that names the missing ones. Workers get them automatically.
 */
public final class ProcessStageRunnerFactory implements StageRunnerFactory {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessStageRunnerFactory.class);

    @Override
    public Placement placement() {
        return Placement.PROCESSES;
    }

    /**
     * Checks this JVM ({@link #check}), creates the queue directory, starts the worker JVMs and waits until each
     * has opened its transform. Blocking (about half a second per worker start-up).
     *
     * @throws PipelineException if this JVM lacks the flags Chronicle and Agrona need (naming them and how to pass
     *                           them), if Chronicle cannot start under this class loader (Spring Boot before 3.2),
     *                           if the workers' class path cannot be derived, or if workers cannot start (with the
     *                           worker's last stderr line)
     * @throws IllegalStateException if another pipeline holds the queue directory (with its PID)
     */
    @Override
    public StageRunner start(StageRunnerContext context) throws Exception {
        // Checked again here: a runner may be started without a Pipeline (the compatibility kit does).
        WorkerClassPath classPath = verify("stage '" + context.stage().name() + "' on worker processes",
                context.processSettings());
        LOG.info("stage '{}' on worker processes: workers load their classes from {}", context.stage().name(),
                classPath.origin());
        JvmAccess.setQuietProperties();
        return ProcessStageRunner.start(context, classPath);
    }

    /**
     * Whether a stage can start on worker processes in this JVM: its flags, Chronicle under this class loader, the
     * workers' class path. Touches neither Chronicle nor the file system beyond reading the class path's manifests,
     * so it can run as early as the pipeline is built.
     *
     * @throws PipelineException saying what is missing and what to do
     */
    public void check(Stage stage, ProcessSettings settings) {
        verify("stage '" + stage.name() + "' on worker processes", settings);
    }

    /**
     * A pool of idle worker JVMs, reused by the runs given it (see {@link ProcessWorkerPool}).
     */
    @Override
    public WorkerPoolBackend createWorkerPool(int maxIdleWorkers, Duration idleTimeout) {
        return new ProcessWorkerPool(maxIdleWorkers, idleTimeout);
    }

    /** {@link #check} for {@code what}, returning the class path it resolved for the workers. */
    static WorkerClassPath verify(String what, ProcessSettings settings) {
        List<String> missing = JvmAccess.missingFlags();
        if (!missing.isEmpty()) {
            throw new PipelineException(JvmAccess.missingFlagsMessage(what, missing));
        }
        JvmAccess.classLoaderProblem().ifPresent(problem -> {
            throw new PipelineException(what + ": " + problem);
        });
        return WorkerClassPath.resolve(settings.workerClassPath());
    }
}
