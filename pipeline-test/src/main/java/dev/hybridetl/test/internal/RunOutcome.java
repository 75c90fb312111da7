package dev.hybridetl.test.internal;

import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.PipelineRun;
import org.opentest4j.AssertionFailedError;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * How a run ended: its result, or the {@link PipelineException} it failed with. {@link #await} bounds the wait, so
 * that a run that hangs fails the test instead of hanging the build.
 */
public record RunOutcome(PipelineResult result, PipelineException failure) {
    /** How long a run that overran gets to finish after it was cancelled, so that the next test starts clean. */
    public static final Duration CANCEL_GRACE = Duration.ofSeconds(5);

    /**
     * Waits at most {@code timeout} for {@code run}.
     *
     * @throws AssertionFailedError if it did not end in time (it is then cancelled, and awaited a little longer)
     */
    public static RunOutcome await(PipelineRun run, Duration timeout, String what) {
        try {
            return new RunOutcome(run.await(timeout), null);
        } catch (PipelineException e) {
            return new RunOutcome(null, e);
        } catch (TimeoutException e) {
            throw new AssertionFailedError(what + " did not end within " + seconds(timeout) + "; "
                    + cancelAndWait(run), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.cancel();
            throw new AssertionFailedError(what + ": interrupted while waiting for the run (cancelled it)", e);
        }
    }

    /** Cancels {@code run} and waits {@link #CANCEL_GRACE} for it; says how that went. */
    public static String cancelAndWait(PipelineRun run) {
        run.cancel();
        try {
            run.await(CANCEL_GRACE);
            return "cancelled it, and then it completed successfully";
        } catch (PipelineException e) {
            return "cancelled it, and then it ended";
        } catch (TimeoutException e) {
            return "cancelled it, and it did not end within " + seconds(CANCEL_GRACE) + " either";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "cancelled it (interrupted while waiting for it to end)";
        }
    }

    /** {@code 2 s}, {@code 1.5 s}, {@code 250 ms}. */
    public static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms >= 1000 ? ms / 1000.0 + " s" : ms + " ms";
    }

    public boolean failed() {
        return failure != null;
    }
}
