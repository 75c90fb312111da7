package dev.hybridetl.ipc;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The binary layout of a stage's shared-memory control block: the work-claim counter, the index ring that maps a
 * claim number to the excerpt that holds it, the stop flag, and one slot of heartbeat and progress counters per
 * worker. Offsets only; the two roles read and write it through their views, {@link ControlPublisher} (the pipeline)
 * and {@link ControlClaimer} (a worker), over an Agrona {@link UnsafeBuffer} on the memory-mapped file.
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
 *        | worker slots: slots x 64 bytes, each written by its worker only (but reset by the pipeline):
 *        |   +0 pid  +8 heartbeat ms  +16 state  +24 claim  +32 batches  +40 records  +48 sequence  +56 incarnation
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
 */
public final class ControlFileDescriptor {
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

    private ControlFileDescriptor() {
    }

    static long fileBytes(int ringCapacity, int workerSlots) {
        return RING_OFFSET + (long) ringCapacity * RING_ENTRY_BYTES + (long) workerSlots * WORKER_SLOT_BYTES;
    }

    static int ringEntryOffset(long excerpt, int ringCapacity) {
        return RING_OFFSET + (int) (excerpt % ringCapacity) * RING_ENTRY_BYTES;
    }

    static int slotsOffset(int ringCapacity) {
        return RING_OFFSET + ringCapacity * RING_ENTRY_BYTES;
    }

    /**
     * A mapped control file, checked against this layout's magic and version: what both views hold. Unmaps the
     * file if it does not match.
     */
    static final class Mapping implements AutoCloseable {
        final MappedByteBuffer mapped;
        final UnsafeBuffer buffer;
        final int ringCapacity;
        final int workerSlots;
        private final int slotsOffset;

        Mapping(MappedByteBuffer mapped) {
            this.mapped = mapped;
            this.buffer = new UnsafeBuffer(mapped);
            if (buffer.getIntVolatile(MAGIC_OFFSET) != MAGIC || buffer.getInt(VERSION_OFFSET) != VERSION) {
                IoUtil.unmap(mapped);
                throw new IllegalStateException("not a control file of this version");
            }
            this.ringCapacity = buffer.getInt(RING_CAPACITY_OFFSET);
            this.workerSlots = buffer.getInt(WORKER_SLOTS_OFFSET);
            this.slotsOffset = ControlFileDescriptor.slotsOffset(ringCapacity);
        }

        static Mapping open(Path file) throws IOException {
            return new Mapping(QueueDirectory.openMapped(file, "control"));
        }

        /** Offset of worker {@code worker}'s slot. */
        int slot(int worker) {
            if (worker < 0 || worker >= workerSlots) {
                throw new IndexOutOfBoundsException("worker " + worker + " of " + workerSlots);
            }
            return slotsOffset + worker * WORKER_SLOT_BYTES;
        }

        long claimCounter() {
            return buffer.getLongVolatile(CLAIM_COUNTER_OFFSET);
        }

        long publishedCount() {
            return buffer.getLongVolatile(PUBLISHED_COUNT_OFFSET);
        }

        @Override
        public void close() {
            IoUtil.unmap(mapped);
        }
    }
}
