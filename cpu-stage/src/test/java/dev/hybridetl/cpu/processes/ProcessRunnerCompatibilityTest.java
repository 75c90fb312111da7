package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.spi.StageRunnerFactory;
import dev.hybridetl.test.StageRunnerCompatibilityKit;

/** The processes placement (real worker JVMs, real queues) passes the compatibility kit every StageRunner must pass. */
class ProcessRunnerCompatibilityTest extends StageRunnerCompatibilityKit {
    @Override
    protected StageRunnerFactory factory() {
        return new ProcessStageRunnerFactory();
    }
}
