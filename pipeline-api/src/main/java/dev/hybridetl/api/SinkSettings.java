package dev.hybridetl.api;

import reactor.core.scheduler.Scheduler;

import java.util.Objects;

/**
 * What the pipeline gives a sink.
 *
 * @param eventLoop the run's non-blocking scheduler; blocking calls (fsync, rename) must go elsewhere
 * @param blocking a bounded scheduler for calls that block (fsync, rename); owned by the run
 * @param metrics where the sink reports its work
 */
public record SinkSettings(Scheduler eventLoop, Scheduler blocking, StageMetrics metrics) {
    public SinkSettings {
        Objects.requireNonNull(eventLoop, "eventLoop");
        Objects.requireNonNull(blocking, "blocking");
        Objects.requireNonNull(metrics, "metrics");
    }
}
