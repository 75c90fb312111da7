package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.Placement;
import dev.hybridetl.api.spi.StageRunner;
import dev.hybridetl.api.spi.StageRunnerContext;
import dev.hybridetl.api.spi.StageRunnerFactory;

/**
 * Provides the {@link Placement#PROCESSES} placement: the stage's transform runs in {@code workers} separate JVMs,
 * fed and drained through Chronicle queues in a private directory (see {@link ProcessStageRunner}).
 *
 * <p>The pipeline JVM itself needs the Chronicle flags listed in {@code WorkerLauncher.CHRONICLE_FLAGS}
 * ({@code --add-exports java.base/sun.nio.ch} above all); workers get them automatically.
 */
public final class ProcessStageRunnerFactory implements StageRunnerFactory {
    @Override
    public Placement placement() {
        return Placement.PROCESSES;
    }

    /**
     * Creates the queue directory, starts the worker JVMs and waits until each has opened its transform. Blocking
     * (about half a second per worker start-up).
     *
     * @throws dev.hybridetl.api.PipelineException if workers cannot start (with the worker's last stderr line)
     * @throws IllegalStateException if another pipeline holds the queue directory (with its PID)
     */
    @Override
    public StageRunner start(StageRunnerContext context) throws Exception {
        quietChronicle();
        return ProcessStageRunner.start(context);
    }

    /**
     * Chronicle sends usage analytics and writes a client-id file into the home directory unless told not to. An
     * embedding JVM (or {@code java -jar}) may not pass {@code -D} flags, so set them here, before this JVM first
     * touches a Chronicle class, unless the user chose otherwise.
     */
    private static void quietChronicle() {
        for (String key : WorkerLauncher.QUIET_CHRONICLE_PROPERTIES) {
            if (System.getProperty(key) == null) {
                System.setProperty(key, "true");
            }
        }
    }
}
