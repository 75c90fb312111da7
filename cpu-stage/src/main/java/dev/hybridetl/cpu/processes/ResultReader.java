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
    private final BatchCodec codec;
    private final ResultRing ring;
    private final ResultRing.FrameHandler decoder;
    private Consumer<BatchCodec.Frame> handler;

    ResultReader(Path stageDir, int worker, long incarnation, BatchCodec codec) throws IOException {
        this.codec = codec;
        this.ring = ResultRing.open(StageQueues.resultRing(stageDir, worker, incarnation));
        this.decoder = (buffer, offset, length) -> handler.accept(this.codec.decode(buffer, offset, length));
    }

    /** Reads up to {@code max} ring messages, handing each whole RESULT or FAILURE frame to {@code handler}. */
    int poll(Consumer<BatchCodec.Frame> handler, int max) {
        this.handler = handler;
        return ring.read(decoder, max);
    }

    /** Reads everything the worker committed (after it died: a frame it did not finish is left unread). */
    void drain(Consumer<BatchCodec.Frame> handler) {
        while (poll(handler, 1024) > 0) {
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
