package dev.hybridetl.io.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the source stands after each batch, from the framer (which knows byte offsets) to the sink (which knows when
 * a batch's output is written): the two ends of one checkpoint. Batches keep their sequence number through every
 * stage, so the number is the key.
 *
 * <p>Threading: written on the event loop when a batch closes, read (and removed) on the event loop when the batch's
 * output has been written. Bounded by the batches in flight: each entry lives from framing to writing.
 */
final class SourcePositions {
    private final ConcurrentHashMap<Long, SourcePoint> after = new ConcurrentHashMap<>();

    /** The batch {@code sequence} has closed; the input continues at {@code next}. */
    void ended(long sequence, SourcePoint next) {
        after.put(sequence, next);
    }

    /** Where the input continues after batch {@code sequence}, forgotten once asked; null if not recorded. */
    SourcePoint takeAfter(long sequence) {
        return after.remove(sequence);
    }
}
