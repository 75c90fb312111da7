package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.PipelineException;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Watches the free space of a stage's queue directory, so that a full file system is met as a pause and then a clear
 * message, never as the SIGBUS a write into a mapped page of a full tmpfs becomes (the JVM reports that as
 * {@code InternalError: a fault occurred in a recent unsafe memory access operation}).
 *
 * <p>The conductor asks before each append. Below {@link #reserveBytes()} free — room for the next input segment and
 * for the result ring of a restarting worker ({@link ProcessStageSettings#queueReserveBytes()}) — it stops
 * appending, which stalls the source through the in-flight window while workers drain their queues and
 * finished segments are deleted. If the room does not come back within {@link #WAIT_NS}, the stage fails with a
 * message that names the directory, the space and the settings to change.
 *
 * <p>Owned by the conductor thread.
 */
final class QueueSpace {
    /** How long appends may stay paused for want of space before the stage fails. */
    static final long WAIT_NS = TimeUnit.SECONDS.toNanos(10);

    private final String stageName;
    private final Path dir;
    private final long reserveBytes;
    /** What the whole stage takes: its rings and segments, and the reserve. */
    private final long neededBytes;
    /** The file system is smaller than the stage needs: waiting for space cannot help. Fixed once known. */
    private final boolean tooSmall;
    /**
     * Looked up once: {@code Files.getFileStore} reads the mount table on every call, and {@link #hasRoom} runs for
     * every batch appended, on the conductor's thread. Null if it cannot be told (then appends are never paused).
     */
    private final FileStore store;
    private long pausedSinceNanos = -1;
    private long pauses;

    QueueSpace(ProcessStageSettings settings, Path dir) {
        this.stageName = settings.stageName();
        this.dir = dir;
        this.reserveBytes = settings.queueReserveBytes();
        this.neededBytes = settings.queueFootprintBytes() + reserveBytes;
        FileStore found;
        try {
            found = Files.getFileStore(dir);
        } catch (IOException | RuntimeException e) {
            found = null;
        }
        this.store = found;
        long totalBytes = space(FileStore::getTotalSpace);
        this.tooSmall = totalBytes >= 0 && totalBytes < neededBytes;
    }

    /** Free bytes for this stage's queues now, or -1 if that cannot be told. */
    private long usableBytes() {
        return space(FileStore::getUsableSpace);
    }

    private interface SpaceQuery {
        long of(FileStore store) throws IOException;
    }

    /** One figure of the queue directory's file system, or -1 if it cannot be told. */
    private long space(SpaceQuery query) {
        try {
            return store == null ? -1 : query.of(store);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    long reserveBytes() {
        return reserveBytes;
    }

    /** Times appending was paused for want of space (for the summary). */
    long pauses() {
        return pauses;
    }

    /**
     * True if there is room to append; false while paused.
     *
     * @throws PipelineException if appends have been paused for want of space longer than {@link #WAIT_NS}
     */
    boolean hasRoom(long now) {
        long free = usableBytes();
        if (free >= 0 && tooSmall) {
            throw full(free); // the file system is smaller than the stage needs: waiting cannot help
        }
        if (free < 0 || free >= reserveBytes) {
            pausedSinceNanos = -1;
            return true;
        }
        if (pausedSinceNanos < 0) {
            pausedSinceNanos = now;
            pauses++;
        } else if (now - pausedSinceNanos > WAIT_NS) {
            throw full(free);
        }
        return false;
    }

    /** The failure for a queue directory that is full, whoever found out (the conductor, or a worker's SIGBUS). */
    PipelineException full(long freeBytes) {
        long free = freeBytes >= 0 ? freeBytes : usableBytes();
        return new PipelineException("stage '" + stageName + "': the queue directory " + dir + " is out of space ("
                + mib(free) + " MiB free, the stage needs about " + mib(neededBytes) + " MiB): give it more room"
                + " (a container's /dev/shm: docker run --shm-size=256m), or put the queues elsewhere with"
                + " --queue-dir DIR (ProcessSettings.withQueueDir), or use fewer workers, smaller input segments"
                + " (-D" + ProcessStageSettings.SEGMENT_BYTES_PROPERTY + "=1048576) or smaller result rings (-D"
                + ProcessStageSettings.RESULT_RING_BYTES_PROPERTY + "=1048576)");
    }

    /**
     * The JVM's report of a SIGBUS on a memory-mapped file: on tmpfs, a write to a page the full file system cannot
     * back (a mapped file that shrank underneath is the other cause; this project never truncates a live queue).
     */
    static boolean isMappedFileFault(Throwable t) {
        return t instanceof InternalError && String.valueOf(t.getMessage()).contains("unsafe memory access");
    }

    /** A write refused for want of space (ENOSPC): creating a result ring in a full directory. */
    static boolean isOutOfSpace(Throwable t) {
        return t instanceof IOException && String.valueOf(t.getMessage()).contains("No space left on device");
    }

    private static long mib(long bytes) {
        return bytes < 0 ? -1 : bytes / (1024 * 1024);
    }
}
