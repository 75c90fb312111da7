package dev.hybridetl.io.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What a checkpointed run's source and sink share, decided before the run starts (by {@code DurableRun}): where
 * the source starts, where the checkpoint lives, what a checkpoint must record, and how often to write one. Also
 * the channel from the framer's batch ends to the sink's checkpoints ({@link SourcePositions}).
 *
 * <p>Immutable but for {@link #positions()}, which is thread-safe.
 */
public final class DurableState {
    private final Path checkpointFile;
    private final Checkpoint resumeFrom;
    private final InputIdentity input;
    private final Map<String, String> job;
    private final long everyBytes;
    private final long everyNanos;
    private final boolean keepOnFailure;
    private final SourcePositions positions = new SourcePositions();

    /**
     * @param checkpointFile {@code .<output>.checkpoint}
     * @param resumeFrom the checkpoint to continue from (its temp files verified and cut to length), or null to start
     * @param input the input's identity, or null if the input cannot be resumed (a stream): then no checkpoint is
     *              written
     * @param job what a resume must match
     * @param every a checkpoint is written at the first batch end after this much time ...
     * @param everyBytes ... or this many bytes of output, since the last one
     * @param keepOnFailure on failure or cancel, keep the temp files and write a last checkpoint instead of deleting
     */
    public DurableState(Path checkpointFile, Checkpoint resumeFrom, InputIdentity input, Map<String, String> job,
                        Duration every, long everyBytes, boolean keepOnFailure) {
        this.checkpointFile = checkpointFile;
        this.resumeFrom = resumeFrom;
        this.input = input;
        this.job = Map.copyOf(job);
        this.everyNanos = every.toNanos();
        this.everyBytes = everyBytes;
        this.keepOnFailure = keepOnFailure;
    }

    /** Where the source continues: the checkpoint's point, or the start. */
    SourcePoint start() {
        return resumeFrom == null ? SourcePoint.START : resumeFrom.next();
    }

    SourcePositions positions() {
        return positions;
    }

    Checkpoint resumeFrom() {
        return resumeFrom;
    }

    /** False when the input cannot be resumed: the sink then writes no checkpoint. */
    public boolean checkpoints() {
        return input != null;
    }

    Path checkpointFile() {
        return checkpointFile;
    }

    InputIdentity input() {
        return input;
    }

    Map<String, String> job() {
        return job;
    }

    long everyBytes() {
        return everyBytes;
    }

    long everyNanos() {
        return everyNanos;
    }

    boolean keepOnFailure() {
        return keepOnFailure;
    }
}
