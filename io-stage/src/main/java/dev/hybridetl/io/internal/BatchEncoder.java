package dev.hybridetl.io.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.StageMetrics;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Encodes a batch into the bytes of the two output files, one buffer each, copying every byte once:
 * <pre>
 *   output:  record LF record LF ...
 *   rejects: reason TAB raw LF ...      (sorted by position, stable)
 * </pre>
 * Also checks that batches arrive in sequence 0, 1, 2, ... Owned by one thread at a time (the event loop).
 */
final class BatchEncoder {
    private static final byte LF = '\n';
    private static final byte TAB = '\t';
    private static final Comparator<Reject> BY_POSITION = Comparator.comparingLong(Reject::position);

    private final StageMetrics metrics;
    private long expectedSequence;

    BatchEncoder(StageMetrics metrics) {
        this.metrics = metrics;
    }

    /** The two buffers of one batch, ready to write. */
    record Encoded(ByteBuffer records, ByteBuffer rejects) {
    }

    /**
     * Encodes {@code batch} and reports it to the metrics.
     *
     * @throws IllegalStateException if {@code batch} is not the next in sequence
     */
    Encoded encode(RecordBatch batch) {
        if (batch.sequence() != expectedSequence) {
            throw new IllegalStateException("sink expected batch " + expectedSequence + " but received batch "
                    + batch.sequence() + ": batches must arrive in sequence order, contiguous from 0");
        }
        expectedSequence++;
        long startNanos = System.nanoTime();
        Encoded encoded = new Encoded(records(batch), rejects(batch.rejects()));
        metrics.recordBatch(System.nanoTime() - startNanos, batch.size() + batch.rejects().size(), batch.size(),
                batch.rejects().size());
        return encoded;
    }

    private static ByteBuffer records(RecordBatch batch) {
        int n = batch.size();
        byte[] out = new byte[batch.recordBytes() + n];
        byte[] data = batch.data();
        int at = 0;
        for (int i = 0; i < n; i++) {
            int length = batch.length(i);
            System.arraycopy(data, batch.offset(i), out, at, length);
            at += length;
            out[at++] = LF;
        }
        return ByteBuffer.wrap(out);
    }

    private static ByteBuffer rejects(List<Reject> rejects) {
        if (rejects.isEmpty()) {
            return ByteBuffer.allocate(0);
        }
        Reject[] sorted = rejects.toArray(new Reject[0]);
        Arrays.sort(sorted, BY_POSITION); // stable (TimSort): equal positions keep their order
        byte[][] reasons = new byte[sorted.length][];
        int size = 0;
        for (int i = 0; i < sorted.length; i++) {
            reasons[i] = sorted[i].reason().getBytes(StandardCharsets.ISO_8859_1);
            size += reasons[i].length + 1 + sorted[i].raw().length + 1;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (int i = 0; i < sorted.length; i++) {
            System.arraycopy(reasons[i], 0, out, at, reasons[i].length);
            at += reasons[i].length;
            out[at++] = TAB;
            byte[] raw = sorted[i].raw();
            System.arraycopy(raw, 0, out, at, raw.length);
            at += raw.length;
            out[at++] = LF;
        }
        return ByteBuffer.wrap(out);
    }
}
