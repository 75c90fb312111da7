package dev.hybridetl.api.spi;

import dev.hybridetl.api.Placement;

/**
 * Provides the {@link StageRunner} of one {@link Placement}. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.hybridetl.api.spi.StageRunnerFactory}); the {@code cpu-stage} module provides the
 * built-in ones.
 */
public interface StageRunnerFactory {

    /** The placement this factory serves. */
    Placement placement();

    /**
     * Starts the stage's workers and opens its transforms. May block (starting processes, loading reference data);
     * the pipeline calls it off the event loop.
     *
     * @throws Exception if the workers cannot be started or a transform fails to open
     */
    StageRunner start(StageRunnerContext context) throws Exception;
}
