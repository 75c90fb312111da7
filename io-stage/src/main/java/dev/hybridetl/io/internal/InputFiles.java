package dev.hybridetl.io.internal;

import reactor.core.scheduler.Scheduler;

import java.io.Closeable;
import java.io.IOException;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Opens an input for reading and picks the {@link ChunkReader} for it. All methods block (file system calls, and
 * for a FIFO the wait for its writer) and run on the blocking scheduler. Failures are one-line messages that name the
 * path, keeping the JDK's exception type ({@link NoSuchFileException}, {@link AccessDeniedException}) where there
 * is one.
 *
 * <p>A regular file is read positionally ({@link AsyncFileChunkReader}), or inflated if it is gzip. Anything else
 * that is not a directory (a pipe, a FIFO, {@code /dev/stdin}, process substitution's {@code /dev/fd/N}, a device)
 * can only be read front to back, once: it is opened as a stream, and gzip is recognised by peeking at its first two
 * bytes and pushing them back, never by seeking or opening it twice (a second open of a FIFO would see other data).
 */
final class InputFiles {
    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private InputFiles() {
    }

    /** Blocking. Opens {@code path}, as gzip if its name ends in {@code .gz} or it starts with the gzip magic. */
    static ChunkReader open(Path path, int chunkBytes, Scheduler blocking) throws IOException {
        BasicFileAttributes attributes = attributes(path);
        try {
            if (!attributes.isRegularFile()) {
                return openStream(path, chunkBytes, blocking);
            }
            long size = attributes.size();
            if (hasGzipName(path) || startsWithGzipMagic(path)) {
                return BlockingChunkReader.gzip(path, Files.newInputStream(path), chunkBytes, size, blocking);
            }
            return new AsyncFileChunkReader(path, AioThreads.open(path, "read", Set.of(StandardOpenOption.READ)),
                    chunkBytes, size);
        } catch (AccessDeniedException e) {
            throw clear(new AccessDeniedException(null, null, "input file not readable (permission denied): " + path), e);
        } catch (NoSuchFileException e) {
            throw clear(new NoSuchFileException(null, null, "input file not found: " + path), e);
        }
    }

    /** Blocking: for a FIFO, until a writer has opened it and written its first bytes (or closed it). */
    private static ChunkReader openStream(Path path, int chunkBytes, Scheduler blocking) throws IOException {
        PushbackInputStream in = new PushbackInputStream(PipeInputStream.open(path), 2);
        try {
            byte[] head = in.readNBytes(2);
            in.unread(head);
            boolean gzip = hasGzipName(path)
                    || head.length == 2 && (head[0] & 0xff) == GZIP_MAGIC_0 && (head[1] & 0xff) == GZIP_MAGIC_1;
            return gzip ? BlockingChunkReader.gzip(path, in, chunkBytes, -1, blocking)
                    : BlockingChunkReader.plain(path, in, chunkBytes, blocking);
        } catch (IOException | RuntimeException e) {
            closeQuietly(in);
            throw e;
        }
    }

    private static BasicFileAttributes attributes(Path path) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw clear(new NoSuchFileException(null, null, "input file not found: " + path), e);
        } catch (IOException e) {
            throw new IOException("cannot read input file " + path + ": " + describe(e), e);
        }
        if (attributes.isDirectory()) {
            throw new IOException("input is a directory, not a file: " + path);
        }
        return attributes;
    }

    private static boolean hasGzipName(Path path) {
        return path.getFileName() != null && path.getFileName().toString().endsWith(".gz");
    }

    private static boolean startsWithGzipMagic(Path path) throws IOException {
        try (var channel = Files.newByteChannel(path, StandardOpenOption.READ)) {
            ByteBuffer magic = ByteBuffer.allocate(2);
            while (magic.hasRemaining() && channel.read(magic) >= 0) {
                // keep reading: a read may return fewer bytes than asked for
            }
            return magic.position() == 2 && (magic.get(0) & 0xff) == GZIP_MAGIC_0 && (magic.get(1) & 0xff) == GZIP_MAGIC_1;
        }
    }

    private static <E extends IOException> E clear(E clearOne, IOException cause) {
        clearOne.initCause(cause);
        return clearOne;
    }

    /** The exception's message, or its type when it has none. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /**
     * Only the reason of a file system error ("Is a directory"), for a message that already names the file: the
     * JDK's message of a failed move repeats both paths, the temporary one included.
     */
    static String reason(Throwable e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null && !fse.getReason().isBlank()) {
            return fse.getReason();
        }
        return describe(e);
    }

    /** Closes without throwing: used on paths where a close failure cannot be acted on. */
    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException ignored) {
            // Nothing to do: the resource is released as far as the OS lets us.
        }
    }
}
