package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.Placement;
import dev.hybridetl.api.spi.StageRunner;
import dev.hybridetl.api.spi.StageRunnerContext;
import dev.hybridetl.api.spi.StageRunnerFactory;

/** Placeholder until the worker-process placement lands. */
public final class ProcessStageRunnerFactory implements StageRunnerFactory {
    @Override
    public Placement placement() {
        return Placement.PROCESSES;
    }

    @Override
    public StageRunner start(StageRunnerContext context) {
        throw new UnsupportedOperationException("the processes placement is not built yet");
    }
}
