package dev.hybridetl.ipc;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Path;

import static dev.hybridetl.ipc.ControlFileDescriptor.*;

/**
 * A worker's view of a stage's control block ({@link ControlFileDescriptor}): it claims published excerpts (the
 * claim protocol is described there), and writes its own slot (pid, heartbeat, state, progress). It never writes
 * another worker's slot nor the ring.
 *
 * <p>Threads: the worker's main thread claims and reports progress; its watchdog thread writes the heartbeat.
 */
public final class ControlClaimer implements AutoCloseable {
    private final ControlFileDescriptor.Mapping control;
    private final UnsafeBuffer buffer;

    private ControlClaimer(ControlFileDescriptor.Mapping control) {
        this.control = control;
        this.buffer = control.buffer;
    }

    /** Maps the control file the pipeline created. */
    public static ControlClaimer open(Path file) throws IOException {
        return new ControlClaimer(ControlFileDescriptor.Mapping.open(file));
    }

    /**
     * Claims the next published excerpt for {@code worker}: records the intent in the worker's slot, then CASes the
     * counter. Returns the claim number and stores its location in {@code location} ([segment, queue index]), or
     * returns {@link ControlFileDescriptor#NO_CLAIM} if nothing is published beyond the counter.
     */
    public long tryClaim(int worker, long[] location) {
        int s = control.slot(worker);
        while (true) {
            long claim = control.claimCounter();
            if (claim >= control.publishedCount()) {
                buffer.putLongOrdered(s + WORKER_CLAIM, NO_CLAIM);
                return NO_CLAIM;
            }
            buffer.putLongVolatile(s + WORKER_CLAIM, claim);
            int entry = ringEntryOffset(claim, control.ringCapacity);
            long segment = buffer.getLongVolatile(entry);
            long index = buffer.getLongVolatile(entry + 8);
            if (buffer.compareAndSetLong(CLAIM_COUNTER_OFFSET, claim, claim + 1)) {
                location[0] = segment;
                location[1] = index;
                return claim;
            }
        }
    }

    /**
     * The input segment of the latest published excerpt (0 before the first): the one the next claims most likely
     * name, which a worker opens before it says it is ready.
     */
    public long latestSegment() {
        long published = control.publishedCount();
        return published == 0 ? 0 : buffer.getLongVolatile(ringEntryOffset(published - 1, control.ringCapacity));
    }

    /** Marks the worker's claim done and counts it (after its result is appended). */
    public void completeClaim(int worker, int records) {
        int s = control.slot(worker);
        buffer.putLong(s + WORKER_BATCHES, buffer.getLong(s + WORKER_BATCHES) + 1);
        buffer.putLong(s + WORKER_RECORDS, buffer.getLong(s + WORKER_RECORDS) + records);
        buffer.putLong(s + WORKER_SEQUENCE, -1);
        buffer.putLongVolatile(s + WORKER_CLAIM, NO_CLAIM);
    }

    public boolean stopRequested() {
        return buffer.getLongVolatile(STOP_FLAG_OFFSET) != 0;
    }

    public void setCurrentSequence(int worker, long sequence) {
        buffer.putLongOrdered(control.slot(worker) + WORKER_SEQUENCE, sequence);
    }

    public void heartbeat(int worker, long nowMs) {
        buffer.putLongOrdered(control.slot(worker) + WORKER_HEARTBEAT_MS, nowMs);
    }

    public void setPid(int worker, long pid) {
        buffer.putLongOrdered(control.slot(worker) + WORKER_PID, pid);
    }

    public void setState(int worker, long state) {
        buffer.putLongVolatile(control.slot(worker) + WORKER_STATE, state);
    }

    @Override
    public void close() {
        control.close();
    }
}
