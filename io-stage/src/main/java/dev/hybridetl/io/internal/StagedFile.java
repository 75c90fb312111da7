package dev.hybridetl.io.internal;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One regular output file being written under a temporary name in its target directory, then either published under
 * its final name ({@link #publish()}) or discarded ({@link #discard()}).
 *
 * <p>Threading: {@link #append} issues asynchronous writes and never blocks; appends are sequential (the next one is
 * issued after the previous completed). {@link #create}, {@link #force}, {@link #finish}, {@link #publish} and
 * {@link #discard} block and run on the blocking scheduler.
 */
final class StagedFile implements OutputFile {
    /** What every temporary name contains after {@code .<name>}: how leftovers of a dead run are recognised. */
    static final String TEMP_MARK = ".tmp-";

    private final OutputTarget target;
    private final Path temp;
    private final AsynchronousFileChannel channel;
    private final AioThreads.OwnedChannel owned;
    private final AtomicBoolean finished = new AtomicBoolean();
    /** Next write offset; advanced by the completing write, appends are sequential. */
    private volatile long position;

    private StagedFile(OutputTarget target, Path temp, AioThreads.OwnedChannel owned, long position) {
        this.target = target;
        this.temp = temp;
        this.owned = owned;
        this.channel = owned.channel();
        this.position = position;
    }

    /** Blocking. Creates the target's parent directories and a fresh temp file {@code .<name>.tmp-<random>}. */
    static StagedFile create(OutputTarget target) throws IOException {
        Path dir = target.publishAt().getParent();
        try {
            Files.createDirectories(dir);
            while (true) {
                Path temp = tempName(target.publishAt(), "");
                try {
                    return new StagedFile(target, temp, AioThreads.open(temp, "write",
                            Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)), 0);
                } catch (FileAlreadyExistsException e) {
                    // a random name collided: draw another
                }
            }
        } catch (IOException e) {
            throw new IOException("cannot create output file " + target.given() + ": " + InputFiles.describe(e), e);
        }
    }

    /**
     * Blocking. Reopens the temporary file {@code temp} of a dead run to continue it: cuts it to {@code length}
     * (what its checkpoint committed; anything after is a partial batch) and appends from there.
     */
    static StagedFile reopen(OutputTarget target, Path temp, long length) throws IOException {
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.truncate(length);
                ch.force(false);
            }
            return new StagedFile(target, temp, AioThreads.open(temp, "write", Set.of(StandardOpenOption.WRITE)),
                    length);
        } catch (IOException e) {
            throw new IOException("cannot reopen " + temp + " to resume " + target.given() + ": "
                    + InputFiles.describe(e), e);
        }
    }

    /** A fresh name {@code .<name>.tmp-<tag><random>} beside {@code file}. */
    static Path tempName(Path file, String tag) {
        return file.resolveSibling("." + file.getFileName() + TEMP_MARK + tag
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
    }

    /** The temporary file written until {@link #publish()}. */
    Path temp() {
        return temp;
    }

    /** Where {@link #publish()} renames the temporary file to. */
    Path publishAt() {
        return target.publishAt();
    }

    /** The target as the caller named it, for messages. */
    Path given() {
        return target.given();
    }

    @Override
    public long length() {
        return position;
    }

    /** Writes all of {@code buffer} at the end of the file. Completes on the file's I/O thread. */
    @Override
    public Mono<Void> append(ByteBuffer buffer) {
        if (!buffer.hasRemaining()) {
            return Mono.empty();
        }
        return Mono.create(sink -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            sink.onCancel(() -> cancelled.set(true));
            writeRest(buffer, sink, cancelled);
        });
    }

    private void writeRest(ByteBuffer buffer, MonoSink<Void> sink, AtomicBoolean cancelled) {
        channel.write(buffer, position, null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void attachment) {
                position += n;
                if (!buffer.hasRemaining()) {
                    sink.success();
                } else if (!cancelled.get()) {
                    writeRest(buffer, sink, cancelled);
                }
            }

            @Override
            public void failed(Throwable error, Void attachment) {
                // After a cancel the channel is being closed and the failure is expected: nobody listens.
                if (!cancelled.get()) {
                    sink.error(new IOException("cannot write " + target.given() + ": " + InputFiles.describe(error),
                            error));
                }
            }
        });
    }

    /** Blocking: makes every completed write durable (data and length; {@code fdatasync}), keeps the file open. */
    void force() throws IOException {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new IOException("cannot flush " + target.given() + ": " + InputFiles.describe(e), e);
        }
    }

    /** Blocking: flushes to disk and closes. Call before {@link #publish()}. */
    @Override
    public void finish() throws IOException {
        try {
            channel.force(true);
            owned.close();
        } catch (IOException e) {
            throw new IOException("cannot flush " + target.given() + ": " + InputFiles.describe(e), e);
        }
    }

    /** Blocking: renames the temp file onto the target, atomically where the file system can. */
    void publish() throws IOException {
        try {
            Publication.moveReplacing(temp, target.publishAt());
            finished.set(true);
        } catch (IOException e) {
            throw new IOException("cannot publish " + target.given() + ": " + InputFiles.reason(e), e);
        }
    }

    /** Blocking, idempotent, never throws: closes the channel and keeps the temp file, for a later resume. */
    void keep() {
        if (finished.compareAndSet(false, true)) {
            owned.close();
        }
    }

    /** Blocking, idempotent, never throws: closes the channel and deletes the temp file (after publish: no-op). */
    @Override
    public void discard() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        owned.close();
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // Best effort: a leftover temp file has a name that cannot be mistaken for output, and the next
            // checkpointed run on the same output removes it.
        }
    }
}
