package dev.hybridetl.io.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.StageMetrics;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Encodes a batch into the bytes of the two output files, one buffer each, copying every byte once:
 * <pre>
 *   output:  record LF record LF ...
 *   rejects: one line per reject        (sorted by position, stable; format: {@link RejectLines})
 * </pre>
 * Also checks that batches arrive in sequence 0, 1, 2, ... (or k, k + 1, ... after a resume) Owned by one thread at a time (the event loop).
 *
 * <p>Records are encoded into one reused direct buffer: the writer encodes batch k+1 only after batch k's write has
 * completed ({@code concatMap}), so one buffer is enough. A heap buffer would be copied again by the JDK into a
 * temporary direct buffer on every write, and would leave the whole output as garbage: with the route job that was
 * 1.7 GB of short-lived arrays per 3M rows, which is what made the heap (and the RSS) grow.
 */
public final class BatchEncoder {
    private static final byte LF = '\n';
    private static final Comparator<Reject> BY_POSITION = Comparator.comparingLong(Reject::position);

    private final StageMetrics metrics;
    private final RejectLines.Format rejectsFormat;
    private long expectedSequence;
    /** Reused for every batch's records; replaced by a bigger one when a batch does not fit. */
    private ByteBuffer recordsBuffer = ByteBuffer.allocateDirect(256 * 1024);

    /** @param firstSequence the sequence number of the first batch (not 0 when a run resumes) */
    BatchEncoder(StageMetrics metrics, RejectLines.Format rejectsFormat, long firstSequence) {
        this.metrics = metrics;
        this.rejectsFormat = rejectsFormat;
        this.expectedSequence = firstSequence;
    }

    /** The two buffers of one batch, ready to write; valid until the next {@link #encode}. */
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
                    + batch.sequence() + ": batches must arrive in sequence order, contiguous");
        }
        expectedSequence++;
        long startNanos = System.nanoTime();
        Encoded encoded = new Encoded(records(batch), rejects(batch.rejects()));
        metrics.recordBatch(System.nanoTime() - startNanos, batch.size() + batch.rejects().size(), batch.size(),
                batch.rejects().size());
        return encoded;
    }

    private ByteBuffer records(RecordBatch batch) {
        recordsBuffer = lines(batch, recordsBuffer);
        return recordsBuffer;
    }

    /**
     * A batch's records as lines ({@code record LF} each), packed into {@code reuse} if it is large enough, else
     * into a larger direct buffer that the caller keeps for the next batch; returned ready to write. Direct and
     * reused for the reason in the class notes: the rolling sink of {@code dev.hybridetl.io.stream} writes lines
     * the same way.
     */
    public static ByteBuffer lines(RecordBatch batch, ByteBuffer reuse) {
        int n = batch.size();
        int size = batch.recordBytes() + n;
        ByteBuffer out = size > reuse.capacity()
                ? ByteBuffer.allocateDirect(Math.max(size, 2 * reuse.capacity())) : reuse.clear();
        byte[] data = batch.data();
        for (int i = 0; i < n; i++) {
            out.put(data, batch.offset(i), batch.length(i)).put(LF);
        }
        return out.flip();
    }

    private ByteBuffer rejects(List<Reject> rejects) {
        if (rejects.isEmpty()) {
            return ByteBuffer.allocate(0);
        }
        Reject[] sorted = rejects.toArray(new Reject[0]);
        Arrays.sort(sorted, BY_POSITION); // stable (TimSort): equal positions keep their order
        return RejectLines.encode(sorted, rejectsFormat);
    }
}
