package dev.hybridetl.io.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An input stream over a pipe, FIFO or device, read through a {@link FileChannel} so that a blocked read ends when the
 * channel is closed or its thread interrupted (a {@code FileInputStream} read would stay blocked).
 *
 * <p>Why not {@code Files.newInputStream}: its {@code available()} asks the channel for its position, which on a pipe
 * fails with "Illegal seek"; and {@code GZIPInputStream} calls {@code available()} at the end of every gzip member to
 * decide whether another member follows. Here {@code available()} answers that question truthfully by waiting for
 * the next byte (or the end) and keeping it: it may block, which is acceptable because this stream is only read on
 * the blocking scheduler, and it is what makes concatenated gzip members on a slow pipe read whole.
 */
final class PipeInputStream extends InputStream {
    private final FileChannel channel;
    private int peeked = -1;
    private boolean ended;

    private PipeInputStream(FileChannel channel) {
        this.channel = channel;
    }

    /** Blocking: opening a FIFO waits until a writer has opened it. */
    static PipeInputStream open(Path path) throws IOException {
        return new PipeInputStream(FileChannel.open(path, StandardOpenOption.READ));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (peeked >= 0) {
            b[off] = (byte) peeked;
            peeked = -1;
            return 1;
        }
        if (ended) {
            return -1;
        }
        int n = channel.read(ByteBuffer.wrap(b, off, len));
        if (n < 0) {
            ended = true;
        }
        return n;
    }

    /** 1 if another byte is coming, 0 at the end; may block until the writer sends it or closes (see above). */
    @Override
    public int available() throws IOException {
        if (peeked >= 0) {
            return 1;
        }
        if (ended) {
            return 0;
        }
        int b = read();
        if (b < 0) {
            return 0;
        }
        peeked = b;
        return 1;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
