package dev.hybridetl.io.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One run's claim on an output: an OS file lock on {@code .<name>.lock} beside it, held for the run.
 *
 * <p>Why: a run removes the temporary files a dead run left beside its output, and resumes from them; it must know
 * they are dead, not another live run's. The kernel drops the lock when its process dies, {@code kill -9} included,
 * so "the lock is free" means "nobody is writing". The lock file holds the owner's PID, for the message a second run
 * gets. It is deleted when the run ends; one left by a killed run is simply locked again by the next.
 *
 * <p>Deleting a lock file while holding it races with a run that opened it just before: that run would then hold a
 * lock on a file that no longer has a name. So after locking, each run writes a token into the file and reads the
 * path back; if the path no longer shows its token, it lost the race and tries again.
 */
public final class OutputLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of {@code target} (a resolved target path). */
    public static Path fileOf(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".lock");
    }

    /**
     * Blocking: locks {@code target}'s lock file, creating its directory if needed.
     *
     * @throws Busy if another live run (this process included) holds it
     */
    public static OutputLock acquire(Path target) throws IOException {
        try {
            return tryAcquire(target);
        } catch (Busy busy) {
            throw busy;
        } catch (IOException e) {
            throw new IOException("cannot lock output " + target + ": " + InputFiles.describe(e), e);
        }
    }

    private static OutputLock tryAcquire(Path target) throws IOException {
        Path file = fileOf(target);
        Files.createDirectories(file.getParent());
        for (int attempt = 0; attempt < 10; attempt++) {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            } catch (IOException | RuntimeException e) {
                InputFiles.closeQuietly(channel);
                throw e;
            }
            if (lock == null) {
                InputFiles.closeQuietly(channel);
                throw new Busy(target, holder(file));
            }
            String token = ProcessHandle.current().pid() + " " + Long.toHexString(ThreadLocalRandom.current().nextLong());
            try {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                if (token.equals(readToken(file))) {
                    return new OutputLock(file, channel, lock);
                }
            } catch (IOException | RuntimeException e) {
                InputFiles.closeQuietly(channel);
                throw e;
            }
            InputFiles.closeQuietly(channel); // lost the race with a deleting owner: the name is someone else's now
        }
        throw new Busy(target, holder(file));
    }

    private static String readToken(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static long holder(Path file) {
        try {
            String token = readToken(file);
            return token == null ? -1 : Long.parseLong(token.split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Blocking, never throws: deletes the lock file, then releases the lock. Idempotent; synchronized because the
     * CLI's shutdown hook and its main thread may both close it, and a second delete after the release could remove
     * the lock file of the next run.
     */
    @Override
    public synchronized void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover lock file is harmless: the next run locks it again.
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        InputFiles.closeQuietly(channel);
    }

    /** Another live run holds the lock. */
    public static final class Busy extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient Path target;
        private final long pid;

        Busy(Path target, long pid) {
            super("another run" + (pid > 0 ? " (pid " + pid + ")" : "") + " is writing " + target);
            this.target = target;
            this.pid = pid;
        }

        /** The holder's process id, or -1 if unknown. */
        public long pid() {
            return pid;
        }

        public Path target() {
            return target;
        }
    }
}
