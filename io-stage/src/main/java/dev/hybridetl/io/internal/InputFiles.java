package dev.hybridetl.io.internal;

import reactor.core.scheduler.Scheduler;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Opens an input file for reading and picks the {@link ChunkReader} for it. All methods block (file system calls)
 * and run on the blocking scheduler. Failures are one-line messages that name the path, keeping the JDK's exception
 * type ({@link NoSuchFileException}, {@link AccessDeniedException}) where there is one.
 */
final class InputFiles {
    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private InputFiles() {
    }

    /** Blocking. Opens {@code path}, as gzip if its name ends in {@code .gz} or it starts with the gzip magic. */
    static ChunkReader open(Path path, int chunkBytes, Scheduler blocking) throws IOException {
        long size = regularFileSize(path);
        try {
            if (isGzip(path)) {
                return new GzipChunkReader(path, Files.newInputStream(path), chunkBytes, size, blocking);
            }
            return new AsyncFileChunkReader(path, AioThreads.open(path, "read", Set.of(StandardOpenOption.READ)),
                    chunkBytes, size);
        } catch (AccessDeniedException e) {
            throw clear(new AccessDeniedException(null, null, "input file not readable (permission denied): " + path), e);
        } catch (NoSuchFileException e) {
            throw clear(new NoSuchFileException(null, null, "input file not found: " + path), e);
        }
    }

    private static long regularFileSize(Path path) throws IOException {
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
        return attributes.size();
    }

    private static boolean isGzip(Path path) throws IOException {
        if (path.getFileName() != null && path.getFileName().toString().endsWith(".gz")) {
            return true;
        }
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

    /** Closes without throwing: used on paths where a close failure cannot be acted on. */
    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException ignored) {
            // Nothing to do: the resource is released as far as the OS lets us.
        }
    }
}
