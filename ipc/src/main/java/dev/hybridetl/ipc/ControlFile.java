package dev.hybridetl.ipc;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared-memory control block of one stage: the work-claim counter, the index ring that maps a claim number to
 * the excerpt that holds it, the stop flag, and one slot of heartbeat and progress counters per worker. An Agrona
 * {@link UnsafeBuffer} over a memory-mapped file that the pipeline creates and each worker maps.
 *
 * <p>Layout (offsets in bytes; every long is 8-byte aligned so atomic operations are legal):
 * <pre>
 *      0 +------------------+------------------+
 *        | magic i32        | version i32      |
 *      8 | ring capacity i32| worker slots i32 |
 *     64 +------------------+------------------+
 *        | claim counter i64 (CAS by workers)  |   next excerpt number to hand out
 *    128 +-------------------------------------+
 *        | published count i64 (pipeline)      |   excerpts appended so far
 *    192 +-------------------------------------+
 *        | stop flag i64 (pipeline)            |   1 = workers finish and exit
 *    256 +-------------------------------------+
 *        | ring: capacity x { segment i64, queue index i64 }   entry k % capacity locates excerpt k
 *        +-------------------------------------+
 *        | worker slots: slots x 64 bytes (see WORKER_* offsets), each written by its worker only
 *        +-------------------------------------+
 * </pre>
 *
 * <p>Claim protocol (why compare-and-set, not get-and-add): a worker first records its intent (the claim number) in
 * its slot, then checks {@code claim < published}, reads ring entry {@code claim}, and only then CASes the counter
 * from {@code claim} to {@code claim + 1}. A successful CAS proves the ring entry was not reused while it was read
 * (the pipeline never publishes excerpt {@code k + capacity} while {@code k} is unclaimed), and a worker never owns
 * a claim on an excerpt that does not exist yet, so a dead worker's unfinished work is exactly the claim in its
 * slot. A Chronicle index is {@code cycle << n | sequence}, so "base + k" is not an index: storing each excerpt's
 * (segment, index) in the ring keeps the mapping exact whatever the roll cycle or segment.
 *
 * <p>Thread safety: every field has one writer (named above); readers use volatile reads.
 */
public final class ControlFile implements AutoCloseable {
    static final int MAGIC = 0x4C544348; // "HCTL"
    static final int VERSION = 1;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int RING_CAPACITY_OFFSET = 8;
    static final int WORKER_SLOTS_OFFSET = 12;
    static final int CLAIM_COUNTER_OFFSET = 64;
    static final int PUBLISHED_COUNT_OFFSET = 128;
    static final int STOP_FLAG_OFFSET = 192;
    static final int RING_OFFSET = 256;
    static final int RING_ENTRY_BYTES = 16;
    static final int WORKER_SLOT_BYTES = 64;
    static final int WORKER_PID = 0;
    static final int WORKER_HEARTBEAT_MS = 8;
    static final int WORKER_STATE = 16;
    static final int WORKER_CLAIM = 24;
    static final int WORKER_BATCHES = 32;
    static final int WORKER_RECORDS = 40;
    static final int WORKER_SEQUENCE = 48;
    static final int WORKER_INCARNATION = 56;

    /** Worker state: launched, not ready yet (or slot unused). */
    public static final long STATE_STARTING = 0;
    /** Worker state: transform open, claiming work. */
    public static final long STATE_READY = 1;
    /** Worker state: stopped cleanly. */
    public static final long STATE_STOPPED = 2;
    /** Claim slot value meaning "holds no claim". */
    public static final long NO_CLAIM = -1;

    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private final int ringCapacity;
    private final int workerSlots;
    private final int slotsOffset;

    private ControlFile(MappedByteBuffer mapped) {
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
        if (buffer.getIntVolatile(MAGIC_OFFSET) != MAGIC || buffer.getInt(VERSION_OFFSET) != VERSION) {
            IoUtil.unmap(mapped);
            throw new IllegalStateException("not a control file of this version");
        }
        this.ringCapacity = buffer.getInt(RING_CAPACITY_OFFSET);
        this.workerSlots = buffer.getInt(WORKER_SLOTS_OFFSET);
        this.slotsOffset = RING_OFFSET + ringCapacity * RING_ENTRY_BYTES;
    }

    static long fileBytes(int ringCapacity, int workerSlots) {
        return RING_OFFSET + (long) ringCapacity * RING_ENTRY_BYTES + (long) workerSlots * WORKER_SLOT_BYTES;
    }

    /**
     * Creates and maps a new control file (owner-only permissions where the file system has them).
     *
     * @param ringCapacity most excerpts published but not yet claimed; must exceed the in-flight window
     */
    public static ControlFile create(Path file, int ringCapacity, int workerSlots) throws IOException {
        if (ringCapacity < 1 || workerSlots < 1) {
            throw new IllegalArgumentException("ringCapacity and workerSlots must be positive, were " + ringCapacity
                    + " and " + workerSlots);
        }
        QueueDirectory.createPrivateFile(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(fileBytes(ringCapacity, workerSlots));
        }
        MappedByteBuffer mapped = IoUtil.mapExistingFile(file.toFile(), FileChannel.MapMode.READ_WRITE, "control");
        UnsafeBuffer b = new UnsafeBuffer(mapped);
        b.putInt(RING_CAPACITY_OFFSET, ringCapacity);
        b.putInt(WORKER_SLOTS_OFFSET, workerSlots);
        b.putInt(VERSION_OFFSET, VERSION);
        for (int w = 0; w < workerSlots; w++) {
            b.putLong(RING_OFFSET + ringCapacity * RING_ENTRY_BYTES + w * WORKER_SLOT_BYTES + WORKER_CLAIM, NO_CLAIM);
        }
        b.putIntVolatile(MAGIC_OFFSET, MAGIC);
        return new ControlFile(mapped);
    }

    /** Maps an existing control file (a worker's view). */
    public static ControlFile open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no control file at " + file);
        }
        return new ControlFile(IoUtil.mapExistingFile(file.toFile(), FileChannel.MapMode.READ_WRITE, "control"));
    }

    public int ringCapacity() {
        return ringCapacity;
    }

    public int workerSlots() {
        return workerSlots;
    }

    // ---- pipeline side ----

    /**
     * Publishes excerpt number {@link #publishedCount()} at (segment, queueIndex). Single writer: the pipeline.
     *
     * @return the excerpt (claim) number it got
     * @throws IllegalStateException if that would overwrite a ring entry not yet claimed
     */
    public long publish(long segment, long queueIndex) {
        long k = buffer.getLong(PUBLISHED_COUNT_OFFSET);
        if (k - claimCounter() >= ringCapacity) {
            throw new IllegalStateException("index ring full: " + (k - claimCounter()) + " unclaimed excerpts");
        }
        int entry = RING_OFFSET + (int) (k % ringCapacity) * RING_ENTRY_BYTES;
        buffer.putLong(entry, segment);
        buffer.putLong(entry + 8, queueIndex);
        buffer.putLongOrdered(PUBLISHED_COUNT_OFFSET, k + 1);
        return k;
    }

    public long publishedCount() {
        return buffer.getLongVolatile(PUBLISHED_COUNT_OFFSET);
    }

    public long claimCounter() {
        return buffer.getLongVolatile(CLAIM_COUNTER_OFFSET);
    }

    /** Tells every worker to finish its current batch and exit. */
    public void requestStop() {
        buffer.putLongVolatile(STOP_FLAG_OFFSET, 1);
    }

    public boolean stopRequested() {
        return buffer.getLongVolatile(STOP_FLAG_OFFSET) != 0;
    }

    /** Clears a worker slot before its next incarnation starts (pipeline only, while no process owns it). */
    public void resetWorker(int worker, long incarnation) {
        int s = slot(worker);
        buffer.putLong(s + WORKER_PID, 0);
        buffer.putLong(s + WORKER_HEARTBEAT_MS, 0);
        buffer.putLong(s + WORKER_CLAIM, NO_CLAIM);
        buffer.putLong(s + WORKER_SEQUENCE, -1);
        buffer.putLong(s + WORKER_INCARNATION, incarnation);
        buffer.putLongVolatile(s + WORKER_STATE, STATE_STARTING);
    }

    // ---- worker side ----

    /**
     * Claims the next published excerpt for {@code worker}: records the intent in the worker's slot, then CASes the
     * counter. Returns the claim number and stores its location in {@code location} ([segment, queue index]), or
     * returns {@link #NO_CLAIM} if nothing is published beyond the counter.
     */
    public long tryClaim(int worker, long[] location) {
        int s = slot(worker);
        while (true) {
            long claim = claimCounter();
            if (claim >= publishedCount()) {
                buffer.putLongOrdered(s + WORKER_CLAIM, NO_CLAIM);
                return NO_CLAIM;
            }
            buffer.putLongVolatile(s + WORKER_CLAIM, claim);
            int entry = RING_OFFSET + (int) (claim % ringCapacity) * RING_ENTRY_BYTES;
            long segment = buffer.getLongVolatile(entry);
            long index = buffer.getLongVolatile(entry + 8);
            if (buffer.compareAndSetLong(CLAIM_COUNTER_OFFSET, claim, claim + 1)) {
                location[0] = segment;
                location[1] = index;
                return claim;
            }
        }
    }

    /** Marks the worker's claim done and counts it (worker only, after its result is appended). */
    public void completeClaim(int worker, int records) {
        int s = slot(worker);
        buffer.putLong(s + WORKER_BATCHES, buffer.getLong(s + WORKER_BATCHES) + 1);
        buffer.putLong(s + WORKER_RECORDS, buffer.getLong(s + WORKER_RECORDS) + records);
        buffer.putLong(s + WORKER_SEQUENCE, -1);
        buffer.putLongVolatile(s + WORKER_CLAIM, NO_CLAIM);
    }

    public void setCurrentSequence(int worker, long sequence) {
        buffer.putLongOrdered(slot(worker) + WORKER_SEQUENCE, sequence);
    }

    public void heartbeat(int worker, long nowMs) {
        buffer.putLongOrdered(slot(worker) + WORKER_HEARTBEAT_MS, nowMs);
    }

    public void setPid(int worker, long pid) {
        buffer.putLongOrdered(slot(worker) + WORKER_PID, pid);
    }

    public void setState(int worker, long state) {
        buffer.putLongVolatile(slot(worker) + WORKER_STATE, state);
    }

    // ---- readers ----

    public long state(int worker) {
        return buffer.getLongVolatile(slot(worker) + WORKER_STATE);
    }

    public long heartbeatMs(int worker) {
        return buffer.getLongVolatile(slot(worker) + WORKER_HEARTBEAT_MS);
    }

    public long currentClaim(int worker) {
        return buffer.getLongVolatile(slot(worker) + WORKER_CLAIM);
    }

    public long currentSequence(int worker) {
        return buffer.getLongVolatile(slot(worker) + WORKER_SEQUENCE);
    }

    public long batchesDone(int worker) {
        return buffer.getLongVolatile(slot(worker) + WORKER_BATCHES);
    }

    public long recordsDone(int worker) {
        return buffer.getLongVolatile(slot(worker) + WORKER_RECORDS);
    }

    public long pid(int worker) {
        return buffer.getLongVolatile(slot(worker) + WORKER_PID);
    }

    private int slot(int worker) {
        if (worker < 0 || worker >= workerSlots) {
            throw new IndexOutOfBoundsException("worker " + worker + " of " + workerSlots);
        }
        return slotsOffset + worker * WORKER_SLOT_BYTES;
    }

    @Override
    public void close() {
        IoUtil.unmap(mapped);
    }
}
