package dev.hybridetl.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Worker JVMs of the {@link Placement#PROCESSES} placement kept warm between runs, for a service that runs many
 * pipelines: a later run takes an idle worker instead of starting a JVM (about half a second and 0.6 CPU-s each,
 * cold), and that worker has already loaded and JIT-compiled the code. Pass it to each pipeline with
 * {@link Pipeline.Builder#workerPool}; the pool outlives the pipelines and is closed by its owner.
 *
 * <pre>{@code
 * try (WorkerPool pool = WorkerPool.create(4, Duration.ofMinutes(5))) {
 *     pool.prestart(ProcessSettings.defaults(), 2);           // optional: start them now, before the first run
 *     for (Path file : files) {
 *         Pipeline.builder().source(FileSource.of(file))
 *                 .stage(Stage.plugin("flights-enrich").withPlacement(Placement.PROCESSES).withWorkers(2))
 *                 .sink(FileSink.of(out(file), rejects(file)))
 *                 .workerPool(pool)
 *                 .build().run();
 *     }
 * }
 * }</pre>
 *
 * <p>What is reused. A worker goes back to the pool only when its stage ended cleanly: it stopped when asked, closed
 * its transform and its queues. One that crashed, was killed, ran out of memory, held a batch past the batch timeout
 * or failed to close its transform is never reused. A run takes a worker only if it is compatible: the same
 * {@code java}, class path, heap and JVM options ({@link ProcessSettings}); otherwise it starts a fresh one. Each
 * stage creates a new transform instance in the worker, so reuse is invisible to a transform, except for its static
 * state (as with Spark's reused Python workers).
 *
 * <p>Bounds. At most {@code maxIdleWorkers} workers wait idle (the oldest idle one is ended to make room); one idle
 * longer than {@code idleTimeout} is ended. {@link #close()}, and the exit of this JVM, end every idle worker; a
 * worker also ends by itself within a second when this JVM is gone (even after {@code kill -9}). A run never waits
 * for the pool: when the pool is closed, a run starts fresh workers and ends them itself.
 *
 * <p>Thread-safe; runs on any threads may share one pool.
 */
public final class WorkerPool implements AutoCloseable {
    /** Default for {@link #create(int, Duration)}'s idle timeout. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

    final PoolBackend pool;
    private final int maxIdleWorkers;
    private final Duration idleTimeout;

    private WorkerPool(PoolBackend pool, int maxIdleWorkers, Duration idleTimeout) {
        this.pool = pool;
        this.maxIdleWorkers = maxIdleWorkers;
        this.idleTimeout = idleTimeout;
    }

    /**
     * A pool that keeps up to {@code maxIdleWorkers} idle workers, each for at most {@code idleTimeout}.
     *
     * @throws IllegalArgumentException if {@code maxIdleWorkers} is not between 1 and 1024 or the timeout is not
     *                                  positive
     * @throws IllegalStateException if no runner of the processes placement is on the class path (cpu-stage)
     */
    public static WorkerPool create(int maxIdleWorkers, Duration idleTimeout) {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxIdleWorkers < 1 || maxIdleWorkers > 1024) {
            throw new IllegalArgumentException("maxIdleWorkers must be between 1 and 1024, was " + maxIdleWorkers);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, was " + idleTimeout);
        }
        return new WorkerPool(PoolBackend.create(maxIdleWorkers, idleTimeout), maxIdleWorkers, idleTimeout);
    }

    /** A pool of up to {@code maxIdleWorkers} idle workers, each kept {@link #DEFAULT_IDLE_TIMEOUT} at most. */
    public static WorkerPool create(int maxIdleWorkers) {
        return create(maxIdleWorkers, DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * Starts {@code workers} idle workers for stages run with {@code settings} now, and returns without waiting for
     * them: their JVMs start while the caller goes on (builds its pipeline, opens its input), and the first run finds
     * them warm. Never more than the pool's bound; nothing when the pool is closed.
     *
     * @throws IllegalArgumentException if {@code workers} is negative
     * @throws PipelineException if worker processes cannot start in this JVM (the JVM flags Chronicle needs, a
     *                           worker class path that cannot be derived), saying what to do
     */
    public WorkerPool prestart(ProcessSettings settings, int workers) {
        Objects.requireNonNull(settings, "settings");
        if (workers < 0) {
            throw new IllegalArgumentException("workers must not be negative, was " + workers);
        }
        pool.prestart(settings, Math.min(workers, maxIdleWorkers));
        return this;
    }

    /** Live workers waiting in the pool now. */
    public int idleWorkers() {
        return pool.idleWorkers();
    }

    public int maxIdleWorkers() {
        return maxIdleWorkers;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * Ends every idle worker (each gets up to a second to exit, then is killed) and makes the pool refuse workers
     * given back later: runs still going end theirs themselves. Blocking; idempotent.
     */
    @Override
    public void close() {
        pool.close();
    }
}
