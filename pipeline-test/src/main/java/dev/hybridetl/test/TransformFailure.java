package dev.hybridetl.test;

import dev.hybridetl.api.Placement;
import org.opentest4j.AssertionFailedError;

import java.util.EnumMap;
import java.util.Map;

/** How a transform's runs failed in a {@link TransformTestKit}, with fluent assertions on the messages. */
public final class TransformFailure {
    private final Map<Placement, RuntimeException> failures;

    TransformFailure(Map<Placement, ? extends RuntimeException> failures) {
        this.failures = new EnumMap<>(failures);
    }

    Map<Placement, RuntimeException> failures() {
        return failures;
    }

    /**
     * The run's error on {@code placement} (a {@link dev.hybridetl.api.PipelineException}).
     *
     * @throws IllegalArgumentException if this failure does not come from a run on it
     */
    public RuntimeException failure(Placement placement) {
        RuntimeException e = failures.get(placement);
        if (e == null) {
            throw new IllegalArgumentException("no run on " + placement.cliName() + " here, only on "
                    + failures.keySet());
        }
        return e;
    }

    /** Checks every run's message contains each of {@code fragments}. */
    public TransformFailure assertMessageContains(String... fragments) {
        for (Map.Entry<Placement, RuntimeException> f : failures.entrySet()) {
            String message = String.valueOf(f.getValue().getMessage());
            for (String fragment : fragments) {
                if (!message.contains(fragment)) {
                    throw new AssertionFailedError("the failure on " + f.getKey().cliName() + " does not mention \""
                            + fragment + "\": " + message, f.getValue());
                }
            }
        }
        return this;
    }
}
