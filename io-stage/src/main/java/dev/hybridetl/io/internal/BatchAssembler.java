package dev.hybridetl.io.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.StageMetrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Packs framed records straight into the arrays of the next {@link RecordBatch}, so each input byte is copied once,
 * from the chunk into the batch. Owned by the framer's thread.
 *
 * <p>A record is written piecewise ({@link #append}) because it may span chunks; {@link #dropOpenRecord()} undoes
 * a record found to be too long. The data array is sized for a whole batch up front ({@code batchBytes} plus slack
 * for the record that crosses the target) so that it rarely grows.
 */
final class BatchAssembler {
    private static final int SLACK_BYTES = 8 * 1024;
    private static final int FIRST_RECORD_CAPACITY = 1024;

    private final int batchBytes;
    private final StageMetrics metrics;
    private long remainingHintBytes;
    private long nextSequence;

    private byte[] data;
    private int length;
    private int recordStart;
    private int[] offsets;
    private long[] positions;
    private int count;
    private List<Reject> rejects = new ArrayList<>();
    private long rejectBytes;

    /**
     * @param sizeHintBytes input size if known (caps the first allocation for small files), else a large value
     * @param firstSequence the first batch's sequence number (not 0 when a run resumes)
     */
    BatchAssembler(int batchBytes, long sizeHintBytes, StageMetrics metrics, long firstSequence) {
        this.batchBytes = batchBytes;
        this.metrics = metrics;
        this.remainingHintBytes = Math.max(0, sizeHintBytes);
        this.nextSequence = firstSequence;
        startBatch(FIRST_RECORD_CAPACITY);
    }

    /** The sequence number the next {@link #close} gives. */
    long nextSequence() {
        return nextSequence;
    }

    /** Appends bytes to the open record. */
    void append(byte[] src, int offset, int n) {
        int needed = length + n;
        if (needed > data.length) {
            data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, data.length * 2L)));
        }
        System.arraycopy(src, offset, data, length, n);
        length = needed;
    }

    /** Length of the open record so far. */
    int openRecordLength() {
        return length - recordStart;
    }

    /** Copies the first {@code n} bytes of the open record into {@code dst}. */
    void copyOpenRecord(byte[] dst, int n) {
        System.arraycopy(data, recordStart, dst, 0, n);
    }

    /** Forgets the open record's bytes. */
    void dropOpenRecord() {
        length = recordStart;
    }

    /** Closes the open record at source position {@code position}. */
    void endRecord(long position) {
        if (count == positions.length) {
            positions = Arrays.copyOf(positions, count * 2);
            offsets = Arrays.copyOf(offsets, count * 2 + 1);
        }
        positions[count] = position;
        count++;
        offsets[count] = length;
        recordStart = length;
    }

    /** Adds a reject to the batch; its raw bytes count towards the batch size so rejects alone cannot pile up. */
    void reject(Reject reject) {
        rejects.add(reject);
        rejectBytes += reject.raw().length;
    }

    /** True once the batch has reached its target size (checked at record boundaries). */
    boolean full() {
        return length + rejectBytes >= batchBytes;
    }

    /** True if the batch holds neither records nor rejects. */
    boolean isEmpty() {
        return count == 0 && rejects.isEmpty();
    }

    /**
     * Hands over the batch and starts the next one. Call at a record boundary, with the batch not empty.
     *
     * @param busyNanos framing time spent on this batch, reported to the metrics
     */
    RecordBatch close(long busyNanos) {
        RecordBatch batch = RecordBatch.wrap(nextSequence++, count, data, offsets, positions, rejects);
        metrics.recordBatch(busyNanos, count + rejects.size(), count, rejects.size());
        remainingHintBytes = Math.max(0, remainingHintBytes - length);
        startBatch(Math.max(FIRST_RECORD_CAPACITY, count + count / 8));
        return batch;
    }

    private void startBatch(int recordCapacity) {
        data = new byte[(int) Math.min(batchBytes, remainingHintBytes) + SLACK_BYTES];
        length = 0;
        recordStart = 0;
        offsets = new int[recordCapacity + 1];
        positions = new long[recordCapacity];
        count = 0;
        rejects = new ArrayList<>();
        rejectBytes = 0;
    }
}
