package dev.hybridetl.io.internal;

import reactor.core.publisher.Mono;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An output written in place, front to back: stdout, a FIFO, a device (see {@link OutputTarget}). Nothing is staged,
 * so nothing can be taken back: on failure the reader has seen part of the output, and the run's exit status is what
 * tells it so.
 *
 * <p>Threading: a pipe's {@code write} blocks while its reader is slow, and a FIFO cannot be written positionally
 * (no {@code AsynchronousFileChannel}), so every write runs on a private thread ({@code etl-stream-write-N},
 * {@link AioThreads#singleThread}) and completes the append's Mono from there. The event loop only hands buffers over.
 */
final class StreamFile implements OutputFile {
    private final OutputTarget target;
    private final FileChannel channel;
    private final ExecutorService writer;
    private final AtomicBoolean finished = new AtomicBoolean();
    /** Written by the writer thread only; read after an append completed (happens-before via the Mono). */
    private volatile long length;

    private StreamFile(OutputTarget target, FileChannel channel) {
        this.target = target;
        this.channel = channel;
        this.writer = AioThreads.singleThread("etl-stream-write");
    }

    /** Blocking: opening a FIFO waits until a reader has opened it. */
    static StreamFile open(OutputTarget target) throws IOException {
        try {
            FileChannel channel = target.descriptor() != null
                    ? new FileOutputStream(target.descriptor()).getChannel()
                    : FileChannel.open(target.publishAt(), StandardOpenOption.WRITE);
            return new StreamFile(target, channel);
        } catch (IOException e) {
            throw new IOException("cannot open output " + target.given() + ": " + InputFiles.describe(e), e);
        }
    }

    @Override
    public Mono<Void> append(ByteBuffer buffer) {
        if (!buffer.hasRemaining()) {
            return Mono.empty();
        }
        return Mono.create(sink -> {
            try {
                writer.execute(() -> {
                    try {
                        long n = 0;
                        while (buffer.hasRemaining()) {
                            n += channel.write(buffer);
                        }
                        length += n;
                        sink.success();
                    } catch (IOException e) {
                        sink.error(new IOException("cannot write " + target.given() + ": " + InputFiles.describe(e), e));
                    }
                });
            } catch (RejectedExecutionException e) {
                sink.error(new IOException("output " + target.given() + " is closed", e));
            }
        });
    }

    @Override
    public long length() {
        return length;
    }

    /** Closes a FIFO or device so its reader sees the end; leaves the process's stdout and stderr open. */
    @Override
    public void finish() throws IOException {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        writer.shutdown();
        if (target.descriptor() == null) {
            try {
                channel.close();
            } catch (IOException e) {
                throw new IOException("cannot close " + target.given() + ": " + InputFiles.describe(e), e);
            }
        }
    }

    @Override
    public void discard() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        writer.shutdown();
        if (target.descriptor() == null) {
            InputFiles.closeQuietly(channel); // also ends a write blocked on a reader that stopped reading
        }
    }
}
