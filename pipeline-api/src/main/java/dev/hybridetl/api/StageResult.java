package dev.hybridetl.api;

import java.util.List;

/**
 * What one stage did during a run.
 *
 * @param name stage name ({@code source} and {@code sink} for the ends)
 * @param kind {@code source}, {@code sink}, or the placement ({@code threads}, {@code processes})
 * @param batches batches handled
 * @param recordsIn records received
 * @param recordsOut records emitted
 * @param rejected records rejected by this stage
 * @param busyNanos total work time summed over all workers (can exceed wall time when workers run in parallel)
 * @param workers per-worker figures; empty for the source and sink
 */
public record StageResult(String name, String kind, long batches, long recordsIn, long recordsOut, long rejected,
                          long busyNanos, List<WorkerResult> workers) {
    public StageResult {
        workers = List.copyOf(workers);
    }

    static StageResult of(StageMetrics m, List<WorkerResult> workers) {
        return new StageResult(m.stageName(), m.kind(), m.batches(), m.recordsIn(), m.recordsOut(), m.rejected(),
                m.busyNanos(), workers);
    }

    /**
     * One worker (thread or process) of a stage.
     *
     * @param index worker index, from 0
     * @param batches batches it completed
     * @param records records it read
     * @param restarts times it was restarted after dying (always 0 for threads)
     * @param startupNanos time from launch to ready, summed over its starts (0 for threads)
     */
    public record WorkerResult(int index, long batches, long records, int restarts, long startupNanos) {
    }
}
