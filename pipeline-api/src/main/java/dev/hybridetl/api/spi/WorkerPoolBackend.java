package dev.hybridetl.api.spi;

import dev.hybridetl.api.ProcessSettings;

/**
 * The placement's side of a {@link dev.hybridetl.api.WorkerPool}: the idle worker processes themselves. Created by
 * {@link StageRunnerFactory#createWorkerPool}; a runner finds it in {@link StageRunnerContext#workerPool()}, takes
 * compatible workers from it instead of starting new ones and gives back those whose stage ended cleanly.
 *
 * <p>Thread-safe: any number of runs, on any threads, share one pool.
 */
public interface WorkerPoolBackend extends AutoCloseable {

    /**
     * Starts up to {@code workers} idle workers for stages run with {@code settings}, without waiting for them
     * (never more than the pool's bound on idle workers).
     *
     * @throws RuntimeException if workers cannot be started in this JVM (saying what is missing)
     */
    void prestart(ProcessSettings settings, int workers);

    /** Live workers waiting in the pool now. */
    int idleWorkers();

    /** Ends every idle worker and refuses the ones given back later (they are ended instead). Blocking, idempotent. */
    @Override
    void close();
}
