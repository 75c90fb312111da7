package dev.hybridetl.cpu.threads;

import dev.hybridetl.api.spi.StageRunnerFactory;
import dev.hybridetl.test.StageRunnerCompatibilityKit;

/** The threads placement passes the compatibility kit every StageRunner must pass. */
class ThreadRunnerCompatibilityTest extends StageRunnerCompatibilityKit {
    @Override
    protected StageRunnerFactory factory() {
        return new ThreadStageRunnerFactory();
    }
}
