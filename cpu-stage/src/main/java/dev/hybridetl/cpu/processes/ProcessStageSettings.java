package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.Stage;
import dev.hybridetl.api.spi.StageRunnerContext;
import dev.hybridetl.ipc.ResultRing;
import dev.hybridetl.ipc.StageQueues;

/**
 * Every setting of one stage on worker processes, with its unit in its name, concluded and validated once before the
 * stage starts ({@link #conclude}); the conductor, the supervisor and the runner read them from here and nowhere
 * else.
 *
 * <p><b>Start-up limits, and why they nest.</b> A worker gets {@code workerStartTimeoutMs} to become ready, and a
 * slot that fails to start {@code maxStartFailures} times in a row fails the stage with its own last error. The stage
 * as a whole fails if no worker has been ready for {@code noReadyWorkerTimeoutMs} (what ends a run whose workers are
 * killed from outside faster than they start), so that limit must be at least {@code maxStartFailures} start
 * timeouts, or the specific message ("failed to start 3 times: ...") could never be reached. The runner's own wait
 * for all workers, {@link #stageStartTimeoutMs()}, is derived from both plus the longest restart backoffs: what ends
 * a kill storm in which one slot never gets ready while another is (135 s by default, 120 s before), and longer
 * than every verdict of the stage's own, which names its cause. (Before these were concluded in one place, three start
 * failures of 60 s each could never be reported inside a fixed 120 s overall wait.)
 *
 * @param stageName                the stage, for messages
 * @param workers                  worker processes (slots)
 * @param segmentBytes             bytes the pipeline puts into one input segment before moving to the next
 * @param resultRingBytes          capacity of each worker's result ring (a power of two)
 * @param ringCapacity             index-ring entries of the control file: above the in-flight window
 * @param batchTimeoutMs           longest one batch may hold a worker before it is killed and the batch suspected
 * @param heartbeatTimeoutMs       longest a ready worker may go without a heartbeat before it is killed
 * @param workerStartTimeoutMs     longest one worker start may take before it is killed (counts as a start failure)
 * @param maxStartFailures         consecutive start failures of one slot that fail the stage
 * @param noReadyWorkerTimeoutMs   longest the stage may have no ready worker at all
 * @param poisonDeaths             deaths of workers holding a whole batch before it is split as suspect poison
 * @param maxExternalKills         outside kills of workers holding one batch before it is suspected after all
 * @param restartBackoffFirstMs    backoff before the second consecutive restart of a crashing slot (then doubling)
 * @param restartBackoffMaxMs      longest restart backoff
 * @param superviseIntervalMs      how often the supervisor checks its processes
 * @param housekeepingIntervalMs   how often the conductor re-secures the directory (segments are deleted as they empty)
 * @param stopGraceMs              how long workers get to exit after the stop flag before they are killed
 * @param killWaitMs               how long to wait for killed workers to be reaped
 */
record ProcessStageSettings(String stageName, int workers, long segmentBytes, int resultRingBytes, int ringCapacity,
                            long batchTimeoutMs,
                            long heartbeatTimeoutMs, long workerStartTimeoutMs, int maxStartFailures,
                            long noReadyWorkerTimeoutMs, int poisonDeaths, int maxExternalKills,
                            long restartBackoffFirstMs, long restartBackoffMaxMs, long superviseIntervalMs,
                            long housekeepingIntervalMs, long stopGraceMs, long killWaitMs) {
    /** System property: bytes per input segment (tests use small values to exercise reclamation). */
    static final String SEGMENT_BYTES_PROPERTY = "hybridetl.ipc.segmentBytes";
    /** System property: capacity of each worker's result ring, a power of two (tests use small ones to fragment). */
    static final String RESULT_RING_BYTES_PROPERTY = "hybridetl.ipc.resultRingBytes";
    /** Smallest segment: a frame must fit (see StageQueues' block size) and a tiny one only churns directories. */
    static final long MIN_SEGMENT_BYTES = 16 * 1024;

    ProcessStageSettings {
        require(workers >= 1, "workers", workers, "at least 1");
        require(segmentBytes >= MIN_SEGMENT_BYTES, SEGMENT_BYTES_PROPERTY, segmentBytes,
                "at least " + MIN_SEGMENT_BYTES);
        ResultRing.checkCapacity(RESULT_RING_BYTES_PROPERTY, resultRingBytes);
        require(ringCapacity >= 1, "ringCapacity", ringCapacity, "at least 1");
        require(batchTimeoutMs > 0, "batchTimeoutMs", batchTimeoutMs, "positive");
        require(heartbeatTimeoutMs > WorkerMain.HEARTBEAT_INTERVAL_MS, "heartbeatTimeoutMs", heartbeatTimeoutMs,
                "above the workers' heartbeat interval of " + WorkerMain.HEARTBEAT_INTERVAL_MS + " ms");
        require(workerStartTimeoutMs > 0, "workerStartTimeoutMs", workerStartTimeoutMs, "positive");
        require(maxStartFailures >= 1, "maxStartFailures", maxStartFailures, "at least 1");
        require(noReadyWorkerTimeoutMs >= maxStartFailures * workerStartTimeoutMs, "noReadyWorkerTimeoutMs",
                noReadyWorkerTimeoutMs, "at least maxStartFailures x workerStartTimeoutMs = "
                        + maxStartFailures * workerStartTimeoutMs + " ms, so that a slot's own start failures are"
                        + " reported before the stage-wide limit");
        require(poisonDeaths >= 1, "poisonDeaths", poisonDeaths, "at least 1");
        require(maxExternalKills >= 0, "maxExternalKills", maxExternalKills, "not negative");
        require(restartBackoffFirstMs >= 0 && restartBackoffMaxMs >= restartBackoffFirstMs, "restartBackoffMaxMs",
                restartBackoffMaxMs, "at least restartBackoffFirstMs (" + restartBackoffFirstMs + ")");
        require(superviseIntervalMs > 0, "superviseIntervalMs", superviseIntervalMs, "positive");
        require(housekeepingIntervalMs > 0, "housekeepingIntervalMs", housekeepingIntervalMs, "positive");
        require(stopGraceMs >= 0 && killWaitMs >= 0, "stopGraceMs/killWaitMs", Math.min(stopGraceMs, killWaitMs),
                "not negative");
    }

    /** The settings of {@code ctx}'s stage: its own (workers, batch timeout) and the placement's defaults. */
    static ProcessStageSettings conclude(StageRunnerContext ctx) {
        Stage stage = ctx.stage();
        return new ProcessStageSettings(stage.name(), stage.workers(),
                Long.getLong(SEGMENT_BYTES_PROPERTY, StageQueues.DEFAULT_SEGMENT_BYTES),
                Integer.getInteger(RESULT_RING_BYTES_PROPERTY, ResultRing.DEFAULT_CAPACITY_BYTES),
                ringCapacity(ctx.maxInFlightBatches(), stage.workers()), stage.batchTimeout().toMillis(),
                5_000, 20_000, 3, 60_000, 2, 5, 100, 5_000, 20, 1_000, 1_000, 5_000);
    }

    /**
     * Free bytes the stage needs in its queue directory to go on appending: the next input segment, and the result
     * ring of a worker that restarts (its old ring is deleted only once the new incarnation runs).
     */
    long queueReserveBytes() {
        return segmentBytes + ResultRing.fileBytes(resultRingBytes);
    }

    /** Bytes the stage occupies in its queue directory: every worker's ring, two input segments (one finishing). */
    long queueFootprintBytes() {
        return workers * ResultRing.fileBytes(resultRingBytes) + 2 * segmentBytes;
    }

    /** The ring must hold every batch in flight, plus re-deliveries and halves of split batches. */
    static int ringCapacity(int maxInFlightBatches, int workers) {
        return 2 * maxInFlightBatches + 4 * workers + 16;
    }

    /**
     * How long the runner waits for every worker to be ready before it gives up: longer than any path by which the
     * stage fails itself (no ready worker for {@link #noReadyWorkerTimeoutMs}, while restarts back off), so that the
     * conductor's message, which names the cause, always wins.
     */
    long stageStartTimeoutMs() {
        return noReadyWorkerTimeoutMs + maxStartFailures * (workerStartTimeoutMs + restartBackoffMaxMs);
    }

    /** Restart backoff of a slot after {@code consecutiveDeaths}: none for the first, then doubling to the max. */
    long restartBackoffMs(int consecutiveDeaths) {
        return consecutiveDeaths <= 1 ? 0
                : Math.min(restartBackoffMaxMs, restartBackoffFirstMs << Math.min(20, consecutiveDeaths - 2));
    }

    private static void require(boolean ok, String name, long value, String what) {
        if (!ok) {
            throw new IllegalArgumentException("process stage setting " + name + " must be " + what + ", was "
                    + value);
        }
    }
}
