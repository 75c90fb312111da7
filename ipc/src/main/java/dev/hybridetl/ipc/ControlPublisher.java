package dev.hybridetl.ipc;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Path;

import static dev.hybridetl.ipc.ControlFileDescriptor.*;

/**
 * The pipeline's view of a stage's control block ({@link ControlFileDescriptor}): it creates the file, publishes
 * excerpts into the index ring, raises the stop flag, resets a worker's slot before each incarnation, and reads the
 * workers' slots (state, heartbeat, claim, progress).
 *
 * <p>Threads: {@link #publish} has one writer (the stage's conductor thread); {@link #resetWorker} is called by the
 * supervisor thread only while no process owns that slot; reads are volatile and safe from any thread.
 */
public final class ControlPublisher implements AutoCloseable {
    private final ControlFileDescriptor.Mapping control;
    private final UnsafeBuffer buffer;

    private ControlPublisher(ControlFileDescriptor.Mapping control) {
        this.control = control;
        this.buffer = control.buffer;
    }

    /**
     * Creates and maps a new control file (owner-only permissions where the file system has them).
     *
     * @param ringCapacity most excerpts published but not yet claimed; must exceed the in-flight window
     */
    public static ControlPublisher create(Path file, int ringCapacity, int workerSlots) throws IOException {
        if (ringCapacity < 1 || workerSlots < 1) {
            throw new IllegalArgumentException("ringCapacity and workerSlots must be positive, were " + ringCapacity
                    + " and " + workerSlots);
        }
        var mapped = QueueDirectory.createMapped(file, fileBytes(ringCapacity, workerSlots), "control");
        UnsafeBuffer b = new UnsafeBuffer(mapped);
        b.putInt(RING_CAPACITY_OFFSET, ringCapacity);
        b.putInt(WORKER_SLOTS_OFFSET, workerSlots);
        b.putInt(VERSION_OFFSET, VERSION);
        for (int w = 0; w < workerSlots; w++) {
            b.putLong(slotsOffset(ringCapacity) + w * WORKER_SLOT_BYTES + WORKER_CLAIM, NO_CLAIM);
        }
        b.putIntVolatile(MAGIC_OFFSET, MAGIC);
        return new ControlPublisher(new ControlFileDescriptor.Mapping(mapped));
    }

    /** Maps an existing control file to watch its workers (a monitor's or a test's view; it publishes nothing). */
    public static ControlPublisher open(Path file) throws IOException {
        return new ControlPublisher(ControlFileDescriptor.Mapping.open(file));
    }

    public int ringCapacity() {
        return control.ringCapacity;
    }

    public int workerSlots() {
        return control.workerSlots;
    }

    /**
     * Publishes excerpt number {@link #publishedCount()} at (segment, queueIndex). Single writer: the pipeline.
     *
     * @return the excerpt (claim) number it got
     * @throws IllegalStateException if that would overwrite a ring entry not yet claimed
     */
    public long publish(long segment, long queueIndex) {
        long k = buffer.getLong(PUBLISHED_COUNT_OFFSET);
        if (k - claimCounter() >= control.ringCapacity) {
            throw new IllegalStateException("index ring full: " + (k - claimCounter()) + " unclaimed excerpts");
        }
        int entry = ringEntryOffset(k, control.ringCapacity);
        buffer.putLong(entry, segment);
        buffer.putLong(entry + 8, queueIndex);
        buffer.putLongOrdered(PUBLISHED_COUNT_OFFSET, k + 1);
        return k;
    }

    /** True if the ring has room for another excerpt (published minus claimed below the capacity). */
    public boolean ringHasRoom() {
        return publishedCount() - claimCounter() < control.ringCapacity;
    }

    public long publishedCount() {
        return control.publishedCount();
    }

    public long claimCounter() {
        return control.claimCounter();
    }

    /** Tells every worker to finish its current batch and exit. */
    public void requestStop() {
        buffer.putLongVolatile(STOP_FLAG_OFFSET, 1);
    }

    /** Clears a worker slot before its next incarnation starts (while no process owns it). */
    public void resetWorker(int worker, long incarnation) {
        int s = control.slot(worker);
        buffer.putLong(s + WORKER_PID, 0);
        buffer.putLong(s + WORKER_HEARTBEAT_MS, 0);
        buffer.putLong(s + WORKER_CLAIM, NO_CLAIM);
        buffer.putLong(s + WORKER_SEQUENCE, -1);
        buffer.putLong(s + WORKER_INCARNATION, incarnation);
        buffer.putLongVolatile(s + WORKER_STATE, STATE_STARTING);
    }

    public long state(int worker) {
        return buffer.getLongVolatile(control.slot(worker) + WORKER_STATE);
    }

    public long heartbeatMs(int worker) {
        return buffer.getLongVolatile(control.slot(worker) + WORKER_HEARTBEAT_MS);
    }

    /** The excerpt the worker has claimed (or is about to claim), or {@link ControlFileDescriptor#NO_CLAIM}. */
    public long currentClaim(int worker) {
        return buffer.getLongVolatile(control.slot(worker) + WORKER_CLAIM);
    }

    public long currentSequence(int worker) {
        return buffer.getLongVolatile(control.slot(worker) + WORKER_SEQUENCE);
    }

    public long batchesDone(int worker) {
        return buffer.getLongVolatile(control.slot(worker) + WORKER_BATCHES);
    }

    public long recordsDone(int worker) {
        return buffer.getLongVolatile(control.slot(worker) + WORKER_RECORDS);
    }

    public long pid(int worker) {
        return buffer.getLongVolatile(control.slot(worker) + WORKER_PID);
    }

    @Override
    public void close() {
        control.close();
    }
}
