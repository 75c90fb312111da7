package dev.hybridetl.test.internal;

import dev.hybridetl.api.PipelineRun;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The file in which {@link FailingProvider} notes when it threw (epoch ms, wall clock: comparable across the JVMs
 * of one machine), so that "the run failed promptly" is measured from the throw, not from a worker's start-up.
 */
public final class ThrowMarker {
    private final Path file;

    public ThrowMarker(Path dir) {
        this.file = dir.resolve("thrown-at");
    }

    /** The value for the transform's {@code markerFile} key. */
    public String path() {
        return file.toString();
    }

    /**
     * Waits until the transform has thrown {@code what}.
     *
     * @return when it threw (epoch ms)
     * @throws AssertionFailedError if the run ended first, or nothing was thrown within {@code timeout} (the run is
     *                              then cancelled)
     */
    public long awaitThrow(PipelineRun run, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            OptionalLong at = thrownAtMillis();
            if (at.isPresent()) {
                return at.getAsLong();
            }
            if (run.isDone()) {
                RunOutcome outcome = RunOutcome.await(run, Duration.ZERO, "the run");
                throw new AssertionFailedError("the run ended before the transform threw " + what + ": "
                        + (outcome.failed() ? outcome.failure().getMessage() : "success"));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionFailedError("the transform had not thrown " + what + " within "
                        + RunOutcome.seconds(timeout) + "; " + RunOutcome.cancelAndWait(run));
            }
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
    }

    /** When the transform threw, once it has. */
    public OptionalLong thrownAtMillis() {
        try {
            String s = Files.readString(file).trim();
            return s.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
