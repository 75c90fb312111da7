package dev.hybridetl.api;

import reactor.core.scheduler.Scheduler;

import java.util.Objects;

/**
 * How the pipeline wants a source to read.
 *
 * @param batchBytes target size of one batch's records, in bytes; a batch closes at the first record boundary at or
 *                   after it
 * @param maxRecordBytes a longer record becomes a {@link Reject.Reasons#RECORD_TOO_LONG} reject instead of being
 *                       buffered
 * @param eventLoop the non-blocking scheduler the run uses for framing and hand-offs; never block on it
 * @param blocking a bounded scheduler for calls that block (decompression, fsync); owned by the run
 * @param metrics where the source reports its work
 */
public record SourceSettings(int batchBytes, int maxRecordBytes, Scheduler eventLoop, Scheduler blocking,
                             StageMetrics metrics) {
    public SourceSettings {
        if (batchBytes < 1) {
            throw new IllegalArgumentException("batchBytes must be positive, was " + batchBytes);
        }
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException("maxRecordBytes must be positive, was " + maxRecordBytes);
        }
        Objects.requireNonNull(eventLoop, "eventLoop");
        Objects.requireNonNull(blocking, "blocking");
        Objects.requireNonNull(metrics, "metrics");
    }
}
