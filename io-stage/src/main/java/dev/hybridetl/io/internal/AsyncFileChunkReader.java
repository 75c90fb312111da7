package dev.hybridetl.io.internal;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Path;

/**
 * Reads a plain file with {@link AsynchronousFileChannel}: each {@link #read()} issues one positional read and
 * completes from the channel's completion handler (on its own I/O thread, see {@link AioThreads}), so no caller ever
 * waits on the disk. Only for regular files: a positional read of a pipe fails with "Illegal seek".
 */
final class AsyncFileChunkReader implements ChunkReader {
    private final Path path;
    private final AsynchronousFileChannel channel;
    private final int chunkBytes;
    private final long sizeBytes;
    private final ReadGate gate;
    /** Next file offset; written only by the completing read, reads are sequential. */
    private long position;
    /** Published copy of {@link #position} for progress readers on other threads. */
    private volatile long bytesRead;

    AsyncFileChunkReader(Path path, AioThreads.OwnedChannel owned, int chunkBytes, long sizeBytes) {
        this.path = path;
        this.channel = owned.channel();
        this.chunkBytes = chunkBytes;
        this.sizeBytes = sizeBytes;
        this.gate = new ReadGate(owned::close);
    }

    @Override
    public Mono<Chunk> read() {
        return Mono.create(sink -> {
            if (!gate.enter()) {
                sink.error(new IOException("input file " + path + " is closed"));
                return;
            }
            if (skippedPastEnd()) {
                if (gate.exit()) {
                    sink.error(new IOException("input file " + path + " ends at byte " + sizeBytes
                            + ", before the resume point at byte " + position));
                }
                return;
            }
            byte[] buffer = new byte[chunkBytes];
            try {
                channel.read(ByteBuffer.wrap(buffer), position, sink, new Handler(buffer));
            } catch (RuntimeException e) {
                if (gate.exit()) {
                    sink.error(e);
                }
            }
        });
    }

    @Override
    public void skipBeforeNextRead(long bytes) {
        // Reads are sequential and this runs between two of them, so the completing read no longer touches it.
        position += bytes;
        bytesRead = position;
    }

    /** A skip past the end: the file is shorter than the point a resumed run continues at. */
    private boolean skippedPastEnd() {
        return position > sizeBytes && sizeBytes >= 0;
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public void close() {
        gate.close();
    }

    /** One per read: carries the buffer the read fills. */
    private final class Handler implements CompletionHandler<Integer, MonoSink<Chunk>> {
        private final byte[] buffer;

        Handler(byte[] buffer) {
            this.buffer = buffer;
        }

        @Override
        public void completed(Integer n, MonoSink<Chunk> sink) {
            if (n > 0) {
                position += n;
                bytesRead = position;
            }
            if (gate.exit()) {
                sink.success(n < 0 ? Chunk.EOF : new Chunk(buffer, n));
            }
        }

        @Override
        public void failed(Throwable error, MonoSink<Chunk> sink) {
            // After a close the failure is expected and nobody listens: dropping it avoids a spurious error log.
            if (gate.exit()) {
                sink.error(new IOException("cannot read input file " + path + ": " + error, error));
            }
        }
    }
}
