package dev.hybridetl.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Accumulates records and rejects into a {@link RecordBatch}. A transform receives one per input batch and adds
 * its output to it.
 *
 * <p>Not thread-safe: one builder belongs to one thread at a time. Arrays grow by doubling, so appending is
 * amortised O(1) per byte.
 */
public final class RecordBatchBuilder {
    private final long sequence;
    private byte[] data;
    private int dataLength;
    private int[] offsets;
    private long[] positions;
    private int count;
    private List<Reject> rejects = List.of();
    private boolean recordOpen;

    RecordBatchBuilder(long sequence, int initialBytes, int initialRecords) {
        this.sequence = sequence;
        this.data = new byte[initialBytes];
        this.offsets = new int[initialRecords + 1];
        this.positions = new long[initialRecords];
    }

    /** The sequence number the built batch will carry. */
    public long sequence() {
        return sequence;
    }

    /** Number of records added so far. */
    public int size() {
        return count;
    }

    /** Appends one whole record. */
    public RecordBatchBuilder add(long position, byte[] src, int offset, int length) {
        beginRecord(position);
        append(src, offset, length);
        return endRecord();
    }

    /** Appends one whole record given as text; chars above U+00FF are not representable (ISO-8859-1 bytes). */
    public RecordBatchBuilder add(long position, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return add(position, bytes, 0, bytes.length);
    }

    /**
     * Opens a record that is then written piecewise with {@code append} and closed with {@link #endRecord()}: lets a
     * transform format its output straight into the batch without an intermediate copy.
     */
    public RecordBatchBuilder beginRecord(long position) {
        if (recordOpen) {
            throw new IllegalStateException("record at position " + positions[count] + " is still open");
        }
        if (count == positions.length) {
            positions = Arrays.copyOf(positions, count * 2);
            offsets = Arrays.copyOf(offsets, count * 2 + 1);
        }
        positions[count] = position;
        offsets[count] = dataLength;
        recordOpen = true;
        return this;
    }

    /** Appends bytes to the open record. */
    public RecordBatchBuilder append(byte[] src, int offset, int length) {
        ensureCapacity(length);
        System.arraycopy(src, offset, data, dataLength, length);
        dataLength += length;
        return this;
    }

    /** Appends one byte to the open record. */
    public RecordBatchBuilder append(byte b) {
        ensureCapacity(1);
        data[dataLength++] = b;
        return this;
    }

    /** Appends ASCII text (each char is written as its low byte) to the open record. */
    public RecordBatchBuilder appendAscii(CharSequence text) {
        int n = text.length();
        ensureCapacity(n);
        for (int i = 0; i < n; i++) {
            data[dataLength++] = (byte) text.charAt(i);
        }
        return this;
    }

    /** Closes the open record. */
    public RecordBatchBuilder endRecord() {
        if (!recordOpen) {
            throw new IllegalStateException("no open record");
        }
        recordOpen = false;
        count++;
        offsets[count] = dataLength;
        return this;
    }

    /** Adds a reject: the record leaves the pipeline here and goes to the dead-letter output. */
    public RecordBatchBuilder reject(Reject reject) {
        if (rejects.isEmpty()) {
            rejects = new ArrayList<>();
        }
        rejects.add(reject);
        return this;
    }

    /** Convenience for {@code reject(new Reject(position, reason, copy of raw bytes))}. */
    public RecordBatchBuilder reject(long position, String reason, byte[] src, int offset, int length) {
        return reject(new Reject(position, reason, Arrays.copyOfRange(src, offset, offset + length)));
    }

    /** Ensures room for {@code extra} more bytes: lets a formatter write a bounded number of bytes unchecked. */
    public void ensureCapacity(int extra) {
        int needed = dataLength + extra;
        if (needed < 0) {
            throw new IllegalStateException("batch exceeds 2 GiB");
        }
        if (needed > data.length) {
            data = Arrays.copyOf(data, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8, data.length * 2L)));
        }
    }

    /** Builds the batch. The builder must not be used afterwards. */
    public RecordBatch build() {
        if (recordOpen) {
            throw new IllegalStateException("record at position " + positions[count] + " is still open");
        }
        offsets[count] = dataLength;
        return new RecordBatch(sequence, count, data, offsets, positions, rejects.isEmpty() ? List.of() : List.copyOf(rejects));
    }
}
