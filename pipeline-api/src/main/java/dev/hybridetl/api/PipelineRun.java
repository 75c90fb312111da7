package dev.hybridetl.api;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The handle of a started run: await it, cancel it, watch its progress.
 *
 * <p>Thread-safe. The completion future completes only after every resource of the run (threads, worker
 * processes, files) has been released.
 */
public final class PipelineRun {
    private final CompletableFuture<PipelineResult> completion;
    private final Runnable canceller;
    private final Supplier<Progress> progress;

    PipelineRun(CompletableFuture<PipelineResult> completion, Runnable canceller, Supplier<Progress> progress) {
        this.completion = completion;
        this.canceller = canceller;
        this.progress = progress;
    }

    /** Completes with the result, or exceptionally with a {@link PipelineException} or a cancellation. */
    public CompletableFuture<PipelineResult> completion() {
        return completion.copy();
    }

    /**
     * Waits for the run to end.
     *
     * @throws PipelineException if it failed (or was cancelled)
     */
    public PipelineResult await() throws InterruptedException {
        try {
            return completion.get();
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (CancellationException e) {
            throw new PipelineException("pipeline was cancelled", e);
        }
    }

    /**
     * Waits at most {@code timeout} for the run to end.
     *
     * @throws TimeoutException if it is still running; it keeps running
     */
    public PipelineResult await(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return completion.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (CancellationException e) {
            throw new PipelineException("pipeline was cancelled", e);
        }
    }

    private static PipelineException unwrap(Throwable cause) {
        return cause instanceof PipelineException pe ? pe
                : new PipelineException("pipeline failed: " + PipelineException.describe(cause), cause);
    }

    /**
     * Asks the run to stop: in-flight work is abandoned, workers are stopped, partial output is removed. Returns at
     * once; {@link #completion()} completes (exceptionally) when the cleanup is done.
     */
    public void cancel() {
        canceller.run();
    }

    /** True once the run has ended, successfully or not, and released its resources. */
    public boolean isDone() {
        return completion.isDone();
    }

    /** A snapshot of the counters. */
    public Progress progress() {
        return progress.get();
    }
}
