package dev.hybridetl.io.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets {@code close()} be called from any thread without waiting for a read in flight.
 *
 * <p>Why: closing an {@code AsynchronousFileChannel} waits for its running {@code pread}, and closing a
 * {@code GZIPInputStream} waits for a running {@code inflate}. A close that arrives while a read is in flight
 * therefore only marks the gate; the reading thread performs the close when its read ends.
 *
 * <pre>
 *   IDLE --enter--> BUSY --exit--> IDLE
 *   IDLE --close--> CLOSED (closes now)      BUSY --close--> CLOSE_PENDING --exit--> CLOSED (reader closes)
 * </pre>
 */
final class ReadGate {
    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int CLOSE_PENDING = 2;
    private static final int CLOSED = 3;

    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final Runnable closer;

    /** @param closer releases the resource; must not throw */
    ReadGate(Runnable closer) {
        this.closer = closer;
    }

    /** Starts a read; false if the gate is closed (the read must not happen). */
    boolean enter() {
        return state.compareAndSet(IDLE, BUSY);
    }

    /** Ends a read; false if a close arrived meanwhile, in which case this call has closed the resource. */
    boolean exit() {
        if (state.compareAndSet(BUSY, IDLE)) {
            return true;
        }
        state.set(CLOSED);
        closer.run();
        return false;
    }

    /** Closes now if idle, or asks the read in flight to close when it ends. Idempotent. */
    void close() {
        while (true) {
            int s = state.get();
            if (s == IDLE && state.compareAndSet(IDLE, CLOSED)) {
                closer.run();
                return;
            }
            if (s == BUSY && state.compareAndSet(BUSY, CLOSE_PENDING)) {
                return;
            }
            if (s == CLOSE_PENDING || s == CLOSED) {
                return;
            }
        }
    }
}
