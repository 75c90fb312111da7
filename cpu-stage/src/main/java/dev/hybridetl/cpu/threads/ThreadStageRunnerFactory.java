package dev.hybridetl.cpu.threads;

import dev.hybridetl.api.Placement;
import dev.hybridetl.api.spi.StageRunner;
import dev.hybridetl.api.spi.StageRunnerContext;
import dev.hybridetl.api.spi.StageRunnerFactory;

/**
 * The {@link Placement#THREADS} placement: a stage's transforms run on a bounded pool of threads in the pipeline's
 * own JVM. Registered with {@link java.util.ServiceLoader}.
 */
public final class ThreadStageRunnerFactory implements StageRunnerFactory {

    @Override
    public Placement placement() {
        return Placement.THREADS;
    }

    @Override
    public StageRunner start(StageRunnerContext context) throws Exception {
        return ThreadStageRunner.start(context);
    }
}
