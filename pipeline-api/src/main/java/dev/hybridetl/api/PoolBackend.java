package dev.hybridetl.api;

import dev.hybridetl.api.spi.StageRunnerFactory;
import dev.hybridetl.api.spi.WorkerPoolBackend;

import java.time.Duration;
import java.util.ServiceLoader;

/**
 * The engine's side of a {@link WorkerPool}: the placement's pool found through the SPI. Package-private because the
 * embedder's types must not mention the SPI, not even in their method bodies (the {@code ArchitectureTest} rule):
 * {@link WorkerPool} calls the placement's pool through this class, and the engine hands {@link #backend} to the
 * runners in their context.
 */
final class PoolBackend {
    final WorkerPoolBackend backend;

    void prestart(ProcessSettings settings, int workers) {
        backend.prestart(settings, workers);
    }

    int idleWorkers() {
        return backend.idleWorkers();
    }

    void close() {
        backend.close();
    }

    private PoolBackend(WorkerPoolBackend backend) {
        this.backend = backend;
    }

    /** The processes placement's pool; see {@link StageRunnerFactory#createWorkerPool}. */
    static PoolBackend create(int maxIdleWorkers, Duration idleTimeout) {
        for (StageRunnerFactory f : ServiceLoader.load(StageRunnerFactory.class, PoolBackend.class.getClassLoader())) {
            if (f.placement() == Placement.PROCESSES) {
                return new PoolBackend(f.createWorkerPool(maxIdleWorkers, idleTimeout));
            }
        }
        throw new IllegalStateException("no runner for placement 'processes' on the class path (is the cpu-stage "
                + "module missing?)");
    }
}
