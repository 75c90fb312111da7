package dev.hybridetl.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the rejects that reach the sink by stage and reason, as the counter {@link MeterNames#REJECTS}. Reasons are
 * a transform's own tokens; so that a transform that puts details into them cannot flood the registry, at most
 * {@value #MAX_REASONS} distinct (stage, reason) pairs get their own counter, the rest count as {@code other}.
 *
 * <p>Thread-safe; called once per batch that carries rejects.
 */
final class RejectMeters {
    static final int MAX_REASONS = 64;
    static final String OTHER = "other";

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    RejectMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts each reject; never throws (a registry that refuses a meter must not fail the run). */
    void count(List<Reject> rejects) {
        try {
            for (Reject r : rejects) {
                counter(r.stage(), r.reason()).increment();
            }
        } catch (RuntimeException e) {
            // the run's summary still counts them; only this meter misses them
        }
    }

    private Counter counter(String stage, String reason) {
        String key = stage + '\t' + reason;
        Counter c = counters.get(key);
        if (c != null) {
            return c;
        }
        if (counters.size() >= MAX_REASONS) {
            return counters.computeIfAbsent(stage + '\t' + OTHER, k -> register(stage, OTHER));
        }
        return counters.computeIfAbsent(key, k -> register(stage, reason));
    }

    private Counter register(String stage, String reason) {
        return Counter.builder(MeterNames.REJECTS).description("records rejected, by stage and reason")
                .tag(MeterNames.STAGE, stage.isEmpty() ? Reject.SOURCE : stage).tag(MeterNames.REASON, reason)
                .register(registry);
    }
}
