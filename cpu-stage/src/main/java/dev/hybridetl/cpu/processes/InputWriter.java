package dev.hybridetl.cpu.processes;

import dev.hybridetl.ipc.BatchCodec;
import dev.hybridetl.ipc.ControlPublisher;
import dev.hybridetl.ipc.QueueDirectory;
import dev.hybridetl.ipc.StageQueues;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.TreeMap;

/**
 * Writes batches into a stage's input segments and publishes each excerpt in the control file's ring, then deletes
 * each segment as soon as no pending batch has its latest excerpt there (see {@link StageQueues} for the layout).
 *
 * <p>A segment left with no live excerpt is deleted at once, not at the next housekeeping tick: at full speed the
 * input moves through a segment in a fraction of a second, and finished segments piled up that way (a 3M run peaked
 * at 70 MB of /dev/shm, more than a container's default 64 MB).
 *
 * <p>Owned by the conductor thread (Chronicle appenders are single-threaded).
 */
final class InputWriter implements AutoCloseable {
    private final QueueDirectory queueDir;
    private final Path stageDir;
    private final ControlPublisher control;
    private final long segmentBytes;
    private final BatchCodec codec = new BatchCodec();
    /** Live (latest-delivery) excerpts per segment, for every segment not yet deleted. */
    private final TreeMap<Long, Integer> liveExcerptsBySegment = new TreeMap<>();
    private SingleChronicleQueue input;
    private ExcerptAppender appender;
    private long segment = -1;
    private long writtenBytes;

    InputWriter(QueueDirectory queueDir, ControlPublisher control, long segmentBytes) {
        this.queueDir = queueDir;
        this.stageDir = queueDir.path();
        this.control = control;
        this.segmentBytes = segmentBytes;
    }

    /** Opens the first segment. */
    void open() throws IOException {
        roll();
    }

    /** Appends the next delivery of {@code p} and publishes it; returns its claim (excerpt) number. */
    long append(PendingBatch p) throws IOException {
        long frameBytes = BatchCodec.frameBytes(p.batch);
        if (writtenBytes > 0 && writtenBytes + frameBytes > segmentBytes) {
            roll();
        }
        p.attempt++;
        try (DocumentContext dc = appender.writingDocument()) {
            codec.encode(BatchCodec.KIND_BATCH, p.batch, p.attempt, 0, dc.wire().bytes());
        }
        long claim = control.publish(segment, appender.lastIndexAppended());
        p.segment = segment;
        liveExcerptsBySegment.merge(segment, 1, Integer::sum);
        writtenBytes += frameBytes;
        return claim;
    }

    /**
     * The batch's latest excerpt is no longer needed where it is (answered, or about to be re-appended). A finished
     * segment whose last live excerpt this was is deleted at once; the segment being written is left to
     * {@link #roll}.
     */
    void release(PendingBatch p) {
        if (p.segment >= 0) {
            if (liveExcerptsBySegment.merge(p.segment, -1, Integer::sum) == 0 && p.segment < segment) {
                deleteSegment(p.segment);
            }
            p.segment = -1;
        }
    }

    private void deleteSegment(long s) {
        liveExcerptsBySegment.remove(s);
        QueueDirectory.deleteTree(StageQueues.inputSegment(stageDir, s));
    }

    /**
     * Moves to the next segment. {@link #release} deletes every finished segment as soon as it empties, so the only
     * one that can be empty and still on disk is the one being left.
     */
    private void roll() throws IOException {
        closeQueue();
        if (segment >= 0 && liveExcerptsBySegment.get(segment) == 0) {
            deleteSegment(segment);
        }
        segment++;
        writtenBytes = 0;
        liveExcerptsBySegment.put(segment, 0);
        input = StageQueues.open(queueDir.subdirectory("in-" + segment));
        appender = input.createAppender();
    }

    private void closeQueue() {
        if (input != null) {
            appender.close();
            input.close();
            input = null;
        }
    }

    @Override
    public void close() {
        closeQueue();
    }
}
