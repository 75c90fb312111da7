package dev.hybridetl.cpu.processes;

import dev.hybridetl.ipc.BatchCodec;
import dev.hybridetl.ipc.QueueDirectory;
import dev.hybridetl.ipc.StageQueues;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Tails the result segments of one worker incarnation, following END_OF_SEGMENT frames to the next segment and
 * deleting each segment once it is read to its end: that is how result-queue space is reclaimed during a run.
 * Owned by the conductor thread (Chronicle tailers are single-threaded).
 */
final class ResultReader implements AutoCloseable {
    private final Path stageDir;
    private final int worker;
    private final long incarnation;
    private final BatchCodec codec;
    private long segment;
    private SingleChronicleQueue queue;
    private ExcerptTailer tailer;

    ResultReader(Path stageDir, int worker, long incarnation, BatchCodec codec) throws IOException {
        this.stageDir = stageDir;
        this.worker = worker;
        this.incarnation = incarnation;
        this.codec = codec;
        openSegment(0);
    }

    private void openSegment(long s) throws IOException {
        segment = s;
        queue = StageQueues.open(StageQueues.resultSegment(stageDir, worker, incarnation, s));
        tailer = queue.createTailer();
    }

    /** Reads up to {@code max} frames, handing each RESULT or FAILURE frame to {@code handler}; returns how many. */
    int poll(Consumer<BatchCodec.Frame> handler, int max) throws IOException {
        int n = 0;
        while (n < max) {
            BatchCodec.Frame frame;
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return n;
                }
                frame = codec.decode(dc.wire().bytes());
            }
            n++;
            if (frame.kind() == BatchCodec.KIND_END_OF_SEGMENT) {
                Path done = StageQueues.resultSegment(stageDir, worker, incarnation, segment);
                closeQueue();
                QueueDirectory.deleteTree(done);
                openSegment(segment + 1);
            } else {
                handler.accept(frame);
            }
        }
        return n;
    }

    /** Reads everything still in the queue (after the writer died). */
    void drain(Consumer<BatchCodec.Frame> handler) throws IOException {
        while (poll(handler, 1024) > 0) {
            // keep going until the queue is empty
        }
    }

    private void closeQueue() {
        tailer.close();
        queue.close();
    }

    /** Closes the queue; with {@code delete}, also removes this incarnation's remaining segment. */
    void close(boolean delete) {
        closeQueue();
        if (delete) {
            QueueDirectory.deleteTree(StageQueues.resultSegment(stageDir, worker, incarnation, segment));
        }
    }

    @Override
    public void close() {
        close(false);
    }
}
