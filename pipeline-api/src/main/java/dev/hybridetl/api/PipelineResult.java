package dev.hybridetl.api;

import java.util.List;

/**
 * The outcome of a successful run.
 *
 * @param recordsIn records read from the source (including those the source itself rejected)
 * @param recordsOut records written to the sink
 * @param recordsRejected records written to the dead-letter output
 * @param bytesRead bytes consumed from the source
 * @param wallNanos time from start to the output being published
 * @param stages source, each transform stage, and sink, in pipeline order
 */
public record PipelineResult(long recordsIn, long recordsOut, long recordsRejected, long bytesRead, long wallNanos,
                             List<StageResult> stages) {
    public PipelineResult {
        stages = List.copyOf(stages);
    }

    /** Input records per second of wall time. */
    public double recordsPerSecond() {
        return wallNanos == 0 ? 0 : recordsIn * 1e9 / wallNanos;
    }
}
