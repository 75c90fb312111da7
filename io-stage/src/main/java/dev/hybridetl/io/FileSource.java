package dev.hybridetl.io;

import dev.hybridetl.api.Source;
import dev.hybridetl.api.SourceReader;
import dev.hybridetl.api.SourceSettings;
import dev.hybridetl.io.internal.DurableState;
import dev.hybridetl.io.internal.SourceOpener;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A line-oriented file (CSV and the like, plain or gzip) as a {@link Source}. Immutable; each {@link #open} starts
 * an independent read.
 *
 * <p>Lines end with {@code LF}, {@code CRLF} or a lone {@code CR} (as {@code BufferedReader.readLine} splits them);
 * the first line is the header; every later line is one record whose position is its 1-based line number. Bytes
 * are passed through untouched. A file is read as gzip if its name ends in {@code .gz} or it starts with the gzip
 * magic bytes.
 *
 * <p>Any readable path that is not a directory works: a regular file, or an input that can only be read front to back
 * once (a pipe or FIFO, {@code /dev/stdin}, the {@code /dev/fd/N} of a shell's process substitution, a device). Gzip
 * is recognised there by peeking at the first two bytes, without seeking. Such an input has no size
 * ({@link SourceReader#sizeBytes()} is -1).
 *
 * <p>Threading: plain regular files are read with {@code AsynchronousFileChannel} and framed on the run's event loop;
 * gzip files and streams are read (and inflated) by blocking calls on the run's blocking scheduler and framed on the
 * event loop. Nothing blocks the caller or the event loop. The reader reads ahead a few chunks at most and only as
 * batches are demanded.
 */
public final class FileSource implements Source {
    /** Default size of one read, in bytes (1 MiB). */
    public static final int DEFAULT_CHUNK_BYTES = 1024 * 1024;

    private final Path path;
    private final int chunkBytes;
    private final DurableState durable;

    private FileSource(Path path, int chunkBytes, DurableState durable) {
        this.path = path;
        this.chunkBytes = chunkBytes;
        this.durable = durable;
    }

    /**
     * A source reading {@code path}. The file is not touched until {@link #open}.
     *
     * @throws NullPointerException if {@code path} is null
     */
    public static FileSource of(Path path) {
        return new FileSource(Objects.requireNonNull(path, "path"), DEFAULT_CHUNK_BYTES, null);
    }

    /**
     * The same source reading {@code chunkBytes} bytes per read (decompressed bytes for gzip). Larger chunks mean
     * fewer hand-offs; read-ahead memory is a few chunks.
     *
     * @throws IllegalArgumentException if {@code chunkBytes} is not positive
     */
    public FileSource withChunkBytes(int chunkBytes) {
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunkBytes must be positive, was " + chunkBytes);
        }
        return new FileSource(path, chunkBytes, durable);
    }

    /**
     * The same source as one side of {@code run}'s checkpoints: it starts where the run resumes (the header is read
     * first, as always; then it continues at the checkpoint's byte offset and line number), and it tells the run's
     * sink where each batch ends. For one run only.
     *
     * @throws IllegalArgumentException if {@code run} is for another input
     */
    public FileSource withCheckpoints(DurableRun run) {
        if (!run.input().toAbsolutePath().normalize().equals(path.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the durable run reads " + run.input() + ", not " + path);
        }
        return new FileSource(path, chunkBytes, run.state());
    }

    /** The file this source reads. */
    public Path path() {
        return path;
    }

    /** Bytes per read. */
    public int chunkBytes() {
        return chunkBytes;
    }

    /** The path, as given. */
    @Override
    public String description() {
        return path.toString();
    }

    /**
     * Opens the file on {@code settings.blocking()} and reads its header via {@code settings.eventLoop()}.
     * Never blocks the calling thread.
     *
     * @return a Mono of the reader, completing once the header is read; it fails with an {@link java.io.IOException}
     *     whose message is one line naming the path if the file is missing ({@link java.nio.file.NoSuchFileException}),
     *     unreadable ({@link java.nio.file.AccessDeniedException}), a directory, or not valid gzip; or with an
     *     {@link IllegalStateException} if the header line is longer than {@code settings.maxRecordBytes()}
     */
    @Override
    public Mono<SourceReader> open(SourceSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return SourceOpener.open(path, chunkBytes, settings, durable);
    }

    @Override
    public String toString() {
        return "FileSource{" + path + ", chunkBytes=" + chunkBytes + '}';
    }
}
