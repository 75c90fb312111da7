package dev.hybridetl.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The handle of a started run: await it, stop or cancel it, watch its progress.
 *
 * <p>A run of a source that never ends (a socket, a followed file: {@link Progress#unbounded()}) has no result until
 * it is stopped: {@link #stop()} drains it (the source stops reading, the batches in flight are finished and
 * committed) and the run then completes normally, with the result of everything read. {@link #cancel()} abandons
 * it instead. The design is docs/decisions/0009-sources-positions-and-endless-runs.md.
 *
 * <p>Thread-safe. The completion future completes only after every resource of the run (threads, worker
 * processes, files) has been released.
 */
public final class PipelineRun {
    private final CompletableFuture<PipelineResult> completion;
    private final Runnable canceller;
    private final Runnable stopper;
    private final Supplier<Progress> progress;
    private final Supplier<Optional<SourcePosition>> position;

    PipelineRun(CompletableFuture<PipelineResult> completion, Runnable canceller, Runnable stopper,
                Supplier<Progress> progress, Supplier<Optional<SourcePosition>> position) {
        this.completion = completion;
        this.canceller = canceller;
        this.stopper = stopper;
        this.progress = progress;
        this.position = position;
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

    /**
     * Drains the run: the source stops reading (a partial line is left unread), the records already read go through
     * every stage, the sink commits them, and {@link #completion()} completes <em>normally</em> with their result.
     * Returns at once; safe from any thread and more than once; no effect once the run is ending (a later
     * {@link #cancel()} still abandons a drain that takes too long). Meant for a never-ending source, it works for
     * any: a file run stopped early commits the records before the cut.
     */
    public void stop() {
        stopper.run();
    }

    /**
     * Where a new run of the same source would continue: once the run has completed normally (at the end of its
     * input, or drained by {@link #stop()}), right after the last record it committed. Empty before that, or if the
     * source cannot continue a read (see {@link SourceReader#position()}).
     */
    public Optional<SourcePosition> position() {
        return position.get();
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
