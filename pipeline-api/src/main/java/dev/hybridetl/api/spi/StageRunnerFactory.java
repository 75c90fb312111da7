package dev.hybridetl.api.spi;

import dev.hybridetl.api.Placement;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.Stage;

import java.time.Duration;

/**
 * Provides the {@link StageRunner} of one {@link Placement}. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.hybridetl.api.spi.StageRunnerFactory}); the {@code cpu-stage} module provides the
 * built-in ones.
 */
public interface StageRunnerFactory {

    /** The placement this factory serves. */
    Placement placement();

    /**
     * Checks, when the pipeline is built and before anything starts, that {@code stage} can run on this placement in
     * this JVM (flags, class loading, settings), so that a service learns at once what is missing instead of when
     * its first run starts. Must not start anything or touch files beyond reading. Default: nothing to check.
     *
     * @throws RuntimeException saying what is missing and what to do
     */
    default void check(Stage stage, ProcessSettings settings) {
    }

    /**
     * Starts the stage's workers and opens its transforms. May block (starting processes, loading reference data);
     * the pipeline calls it off the event loop.
     *
     * @throws Exception if the workers cannot be started or a transform fails to open
     */
    StageRunner start(StageRunnerContext context) throws Exception;

    /**
     * Creates the placement's pool of reusable workers (see {@link dev.hybridetl.api.WorkerPool}). Default: this
     * placement keeps no workers between runs.
     *
     * @param maxIdleWorkers most workers kept idle at once
     * @param idleTimeout how long a worker may stay idle before it is ended
     * @throws UnsupportedOperationException if the placement has no workers to keep
     */
    default WorkerPoolBackend createWorkerPool(int maxIdleWorkers, Duration idleTimeout) {
        throw new UnsupportedOperationException("placement '" + placement().cliName() + "' keeps no workers");
    }
}
