package dev.hybridetl.cpu.threads;

import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Stage;
import dev.hybridetl.api.StageMetrics;
import dev.hybridetl.api.StageResult;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;
import dev.hybridetl.api.spi.OutputSizeEstimate;
import dev.hybridetl.api.spi.StageRunner;
import dev.hybridetl.api.spi.StageRunnerContext;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Runs a stage on {@code workers} platform threads, each with its own transform instance.
 *
 * <p>Design: the pool has exactly as many threads as transform instances, and a task borrows an instance from
 * {@link #idle} for the duration of one batch. Because a task only runs on a pool thread and there are never more
 * running tasks than instances, a borrow never waits. Instances are thus used by one thread at a time, as
 * {@link Transform} promises, without thread-locals. The pool's queue is unbounded, but the pipeline never submits
 * more than its in-flight window, so it holds at most that many batches. Submission happens on the run's event loop,
 * so it must never block: see {@link #newPool}.
 */
final class ThreadStageRunner implements StageRunner {
    /** How long {@link #close()} waits for busy transform threads after interrupting them. */
    static final long STOP_GRACE_MS = 1_000;
    private final Stage stage;
    private final StageMetrics metrics;
    private final ExecutorService pool;
    private final BlockingQueue<Worker> idle;
    private final List<Worker> workers;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Fails a batch that has run longer than the stage's batch timeout (see {@link #watchBatchTimeouts}). */
    private final Thread watchdog;

    private ThreadStageRunner(Stage stage, StageMetrics metrics, ExecutorService pool, List<Worker> workers) {
        this.watchdog = new Thread(this::watchBatchTimeouts, "etl-" + stage.name() + "-watchdog");
        this.watchdog.setDaemon(true);
        this.stage = stage;
        this.metrics = metrics;
        this.pool = pool;
        this.workers = workers;
        this.idle = new ArrayBlockingQueue<>(workers.size(), false, workers);
    }

    /**
     * Opens one transform per worker (on the calling thread: it may load reference data), then starts the pool.
     *
     * @throws PipelineException whatever {@code open} threw ({@link Error}s too), naming the stage and the worker;
     *                           the transforms already opened are closed first
     */
    static ThreadStageRunner start(StageRunnerContext ctx) {
        Stage stage = ctx.stage();
        List<Worker> workers = new ArrayList<>(stage.workers());
        int opening = 0;
        try {
            for (; opening < stage.workers(); opening++) {
                Transform t = stage.newTransform();
                workers.add(new Worker(opening, t));
                t.open(new TransformContext(stage.name(), stage.config(), ctx.header(), opening));
            }
        } catch (Throwable e) {
            PipelineException failure = PipelineException.wrap("stage '" + stage.name() + "' failed to start: worker "
                    + opening + " could not open its transform", e);
            for (Worker w : workers) {
                try {
                    w.transform.close();
                } catch (Throwable closeError) {
                    failure.addSuppressed(closeError);
                }
            }
            throw failure;
        }
        ThreadStageRunner runner = new ThreadStageRunner(stage, ctx.metrics(), newPool(stage), workers);
        runner.watchdog.start();
        return runner;
    }

    /**
     * A fixed pool whose hand-off never blocks the submitter: {@link #process} is called on the event loop, and a
     * {@code LinkedBlockingQueue} (what {@code Executors.newFixedThreadPool} uses) takes a lock on offer, which can
     * park the event loop under contention. A {@link LinkedTransferQueue} offers lock-free, and starting every thread
     * up front keeps {@code execute} from taking the pool's own lock to add one.
     */
    private static ExecutorService newPool(Stage stage) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(stage.workers(), stage.workers(), 0, TimeUnit.MILLISECONDS,
                new LinkedTransferQueue<>(), threadFactory(stage.name()));
        pool.prestartAllCoreThreads();
        return pool;
    }

    private static ThreadFactory threadFactory(String stageName) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "etl-cpu-" + stageName + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public Mono<RecordBatch> process(RecordBatch batch) {
        return Mono.create(sink -> {
            try {
                pool.execute(() -> {
                    Worker w = idle.poll();
                    if (w == null) {
                        sink.error(new IllegalStateException("no idle transform for stage '" + stage.name() + "'"));
                        return;
                    }
                    w.begin(batch, sink);
                    try {
                        sink.success(w.run(batch, stage.name(), metrics));
                    } catch (Throwable e) {
                        // Wrapped: Reactor rethrows "fatal" Errors (LinkageError, StackOverflowError) it is handed.
                        sink.error(PipelineException.stageFailed(stage.name(), batch, e));
                    } finally {
                        w.end();
                        idle.offer(w);
                    }
                });
            } catch (RejectedExecutionException e) {
                sink.error(new IllegalStateException("stage '" + stage.name() + "' is closed", e));
            }
        });
    }

    @Override
    public List<StageResult.WorkerResult> workerResults() {
        List<StageResult.WorkerResult> results = new ArrayList<>();
        for (Worker w : workers) {
            results.add(new StageResult.WorkerResult(w.index, w.counts.get(0), w.counts.get(1), 0, 0));
        }
        return results;
    }

    /**
     * Interrupts the pool and waits up to {@value #STOP_GRACE_MS} ms for its threads, then closes every transform
     * that is not still running. A Java thread cannot be stopped from outside: a transform that ignores interrupts
     * keeps its (daemon) thread and is not closed under it, and the failure says so. Isolating such code is what
     * the processes placement is for.
     *
     * @throws PipelineException naming the stage and worker, if a transform's close threw (anything) or a thread
     *                           did not stop
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watchdog.interrupt();
        pool.shutdownNow();
        boolean stopped = false;
        try {
            stopped = pool.awaitTermination(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PipelineException failure = null;
        int stuck = 0;
        for (Worker w : workers) {
            if (!stopped && !idle.contains(w)) {
                stuck++;
                continue;
            }
            try {
                w.transform.close();
            } catch (Throwable e) {
                if (failure == null) {
                    failure = PipelineException.wrap("stage '" + stage.name() + "': worker " + w.index
                            + " failed to close its transform", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (stuck > 0) {
            PipelineException e = new PipelineException("stage '" + stage.name() + "': " + stuck + " transform thread(s)"
                    + " still running " + STOP_GRACE_MS + " ms after the stop (the transform ignores interrupts);"
                    + " left running as daemon threads and not closed");
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * A thread cannot be stopped from outside, so a transform stuck on a batch can only be reported: its batch fails
     * with a message that names it, the run ends, and {@link #close()} says the thread is still running. (The
     * processes placement kills such a worker and retries the batch.)
     */
    private void watchBatchTimeouts() {
        long timeoutNanos = stage.batchTimeout().toNanos();
        long checkMs = Math.max(1, Math.min(1_000, stage.batchTimeout().toMillis() / 4));
        while (!closed.get()) {
            try {
                Thread.sleep(checkMs);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Worker w : workers) {
                w.failIfOverdue(now, timeoutNanos, stage);
            }
        }
    }

    /** A transform instance and its counters; used by one pool thread at a time. */
    private static final class Worker {
        final int index;
        final Transform transform;
        /** [0] batches, [1] records; written by whichever pool thread holds the worker, read at the end. */
        final AtomicLongArray counts = new AtomicLongArray(2);
        private final OutputSizeEstimate outputSize = new OutputSizeEstimate();

        /** The batch being transformed, its result's sink, and since when; null/0 while idle. */
        private volatile RecordBatch current;
        private volatile MonoSink<RecordBatch> currentSink;
        private volatile long busySinceNanos;

        Worker(int index, Transform transform) {
            this.index = index;
            this.transform = transform;
        }

        void begin(RecordBatch batch, MonoSink<RecordBatch> sink) {
            current = batch;
            currentSink = sink;
            busySinceNanos = System.nanoTime();
        }

        void end() {
            current = null;
            currentSink = null;
        }

        /** Called by the watchdog thread. */
        void failIfOverdue(long now, long timeoutNanos, Stage stage) {
            RecordBatch batch = current;
            MonoSink<RecordBatch> sink = currentSink;
            if (batch != null && sink != null && now - busySinceNanos > timeoutNanos) {
                currentSink = null;
                sink.error(PipelineException.stageFailed(stage.name(), batch, new java.util.concurrent.TimeoutException(
                        "transform of worker " + index + " has run longer than the batch timeout of "
                                + stage.batchTimeout().toMillis() + " ms (stuck?); a thread cannot be stopped: the"
                                + " processes placement kills a stuck worker and retries its batch")));
            }
        }

        RecordBatch run(RecordBatch in, String stageName, StageMetrics metrics) throws Exception {
            long start = System.nanoTime();
            RecordBatchBuilder out = outputSize.builderFor(in);
            transform.process(in, out);
            RecordBatch result = out.build().withRejectContext(stageName, 1, System.currentTimeMillis());
            outputSize.learn(in, result);
            metrics.recordBatch(System.nanoTime() - start, in.size(), result.size(), result.rejects().size());
            counts.incrementAndGet(0);
            counts.addAndGet(1, in.size());
            return result;
        }
    }
}
