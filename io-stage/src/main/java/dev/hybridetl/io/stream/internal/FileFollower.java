package dev.hybridetl.io.stream.internal;

import dev.hybridetl.api.SourcePosition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Follows a growing file by name, as {@code tail -F} does: reads what is appended; when the name comes to point at
 * another file (rotation by rename and a new file), it reads the old file to its end, then goes on with the new
 * one from its start; when the file becomes shorter than what was read (rotation by truncation), it starts again
 * at its start.
 *
 * <p>A file is known by its identity (device and inode, {@link BasicFileAttributes#fileKey()}), not its name. A
 * truncation is seen only if the file is still shorter than what was read when it is next looked at: lines written
 * between a truncation and that look, beyond the old length, are missed (as by {@code tail -F}); rotate by rename
 * where that matters.
 *
 * <p>Blocking: every method does file I/O, on the run's blocking scheduler. One thread at a time.
 */
public final class FileFollower implements AutoCloseable {
    private static final byte[] NOTHING = new byte[0];

    private final Path path;
    private final int chunkBytes;
    private FileChannel channel;
    private String identity;
    private long offset;

    private FileFollower(Path path, int chunkBytes) {
        this.path = path;
        this.chunkBytes = chunkBytes;
    }

    /**
     * Opens {@code path}, at its start or, continuing {@code from} (null for a fresh read), at the position's byte
     * offset if the file there is still the one the position names (else the file was rotated since: its start).
     *
     * @throws IOException if the file cannot be opened (missing, unreadable, a directory)
     */
    public static FileFollower open(Path path, int chunkBytes, SourcePosition from) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException("cannot follow " + path + ": it is a directory");
        }
        FileFollower follower = new FileFollower(path, chunkBytes);
        follower.openCurrent();
        if (from != null && from.resource().equals(follower.identity)
                && from.byteOffset() <= follower.channel.size()) {
            follower.offset = from.byteOffset();
        }
        return follower;
    }

    /** The identity of a file, or null if there is none at {@code path} now. */
    static String identityOf(Path path) throws IOException {
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            return key == null ? path.toRealPath().toString() : key.toString();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private void openCurrent() throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.READ);
        identity = identityOf(path);
        offset = 0;
    }

    /**
     * The next bytes: appended bytes if any; an empty chunk that ends the old file when the name now names another
     * file; null when there is nothing new (look again later).
     */
    public StreamChunk read() throws IOException {
        if (channel == null) {
            if (identityOf(path) == null) {
                return null; // between a rename and the new file's creation
            }
            openCurrent();
        }
        long size = channel.size();
        if (size < offset) {
            offset = 0; // truncated: the file starts again
        }
        if (offset < size) {
            return readAt(size);
        }
        String now = identityOf(path);
        if (now == null || now.equals(identity)) {
            // The same file; or renamed away and not replaced yet, so its writer may still append to it (it used
            // to be given up at once, and lines appended to it between the rename and the new file were lost).
            return null;
        }
        // Replaced: finish the old file, then take the new one.
        long finalSize = channel.size();
        if (finalSize > offset) {
            return readAt(finalSize);
        }
        StreamChunk end = new StreamChunk(NOTHING, identity, offset, true);
        channel.close();
        openCurrent();
        return end;
    }

    private StreamChunk readAt(long size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(chunkBytes, size - offset));
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, offset + buffer.position());
            if (n < 0) {
                break;
            }
        }
        offset += buffer.position();
        byte[] bytes = buffer.position() == buffer.capacity() ? buffer.array()
                : Arrays.copyOf(buffer.array(), buffer.position());
        return new StreamChunk(bytes, identity, offset, false);
    }

    @Override
    public void close() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // nothing to lose: the file was only read
        }
    }
}
