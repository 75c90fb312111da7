package dev.hybridetl.cpu.processes;

import dev.hybridetl.ipc.BatchCodec;
import dev.hybridetl.ipc.QueueDirectory;
import dev.hybridetl.ipc.ResultRing;
import dev.hybridetl.ipc.StageQueues;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The adapter that reads one worker incarnation's {@link ResultRing} and decodes each frame for the conductor. The
 * ring is reused in place for the whole incarnation, so nothing is reclaimed while it runs; the file is deleted when
 * the incarnation is done with ({@link #close(boolean)}).
 *
 * <p>Owned by the conductor thread.
 */
final class ResultReader implements AutoCloseable {
    private final ResultRing ring;
    /** Decodes each whole frame and hands it on; made once, as is the ring's own callback. */
    private final ResultRing.FrameHandler decoder;

    /** Opens the ring of {@code worker}'s incarnation; every RESULT or FAILURE frame read goes to {@code handler}. */
    ResultReader(Path stageDir, int worker, long incarnation, BatchCodec codec, Consumer<BatchCodec.Frame> handler)
            throws IOException {
        this.ring = ResultRing.open(StageQueues.resultRing(stageDir, worker, incarnation));
        this.decoder = (buffer, offset, length) -> handler.accept(codec.decode(buffer, offset, length));
    }

    /** Reads up to {@code max} ring messages; returns how many (0: nothing new). */
    int poll(int max) {
        return ring.read(decoder, max);
    }

    /** Reads everything the worker committed (after it died: a frame it did not finish is left unread). */
    void drain() {
        while (poll(1024) > 0) {
            // keep going until the ring is empty
        }
    }

    /** Unmaps the ring; with {@code delete}, also removes its file. */
    void close(boolean delete) {
        ring.close();
        if (delete) {
            QueueDirectory.deleteTree(ring.file());
        }
    }

    @Override
    public void close() {
        close(false);
    }
}
