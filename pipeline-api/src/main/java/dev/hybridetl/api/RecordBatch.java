package dev.hybridetl.api;

import java.util.List;

/**
 * An immutable batch of records: the unit that crosses every stage boundary.
 *
 * <p>Records are opaque bytes packed back to back in one array; record {@code i} occupies
 * {@code data()[offset(i) .. offset(i) + length(i))}. Each record carries its <em>source position</em> (for files,
 * the 1-based line number; the header is line 1), so the writer can restore input order and a reject can say where
 * it came from. A record never contains its line terminator.
 *
 * <pre>
 *   data:      | rec 0 bytes | rec 1 bytes | ... | rec n-1 bytes |
 *   offsets:   0             o1            o2    ...             o(n)   (n + 1 entries, ascending)
 *   positions: p0            p1            ...   p(n-1)                 (n entries)
 * </pre>
 *
 * <p>The {@link #sequence()} number orders batches: the source numbers them 0, 1, 2, ... and every stage keeps the
 * number of the batch it transformed. Rejects found so far ride along with the batch they came from.
 *
 * <p>Thread safety: immutable once built; the arrays returned by {@link #data()} must not be modified.
 */
public final class RecordBatch {
    private final long sequence;
    private final int count;
    private final byte[] data;
    private final int[] offsets;
    private final long[] positions;
    private final List<Reject> rejects;

    RecordBatch(long sequence, int count, byte[] data, int[] offsets, long[] positions, List<Reject> rejects) {
        this.sequence = sequence;
        this.count = count;
        this.data = data;
        this.offsets = offsets;
        this.positions = positions;
        this.rejects = rejects;
    }

    /** Starts a batch that will carry the given sequence number. */
    public static RecordBatchBuilder builder(long sequence) {
        return new RecordBatchBuilder(sequence, 4096, 64);
    }

    /**
     * Starts a batch sized for about {@code expectedBytes} of records and {@code expectedRecords} records: a good
     * guess saves the garbage of growing the arrays (a runner knows its stage's output/input ratio).
     */
    public static RecordBatchBuilder builder(long sequence, int expectedBytes, int expectedRecords) {
        return new RecordBatchBuilder(sequence, Math.max(16, expectedBytes), Math.max(1, expectedRecords));
    }

    /**
     * Wraps already packed arrays without copying: used by codecs that decode a batch from bytes.
     *
     * @param offsets {@code count + 1} ascending offsets into {@code data}
     * @param positions {@code count} source positions
     * @throws IllegalArgumentException if the arrays are inconsistent
     */
    public static RecordBatch wrap(long sequence, int count, byte[] data, int[] offsets, long[] positions,
                                   List<Reject> rejects) {
        if (count < 0 || offsets.length < count + 1 || positions.length < count) {
            throw new IllegalArgumentException("count=" + count + " does not fit offsets.length=" + offsets.length
                    + " positions.length=" + positions.length);
        }
        if (offsets[0] < 0 || offsets[count] > data.length) {
            throw new IllegalArgumentException("offsets [" + offsets[0] + ", " + offsets[count]
                    + "] out of data.length=" + data.length);
        }
        return new RecordBatch(sequence, count, data, offsets, positions, List.copyOf(rejects));
    }

    /** The batch's place in the source order: 0, 1, 2, ... */
    public long sequence() {
        return sequence;
    }

    /** Number of records (rejects not included). */
    public int size() {
        return count;
    }

    /** The backing array of all records. Read-only by contract. */
    public byte[] data() {
        return data;
    }

    /** Start of record {@code i} in {@link #data()}. */
    public int offset(int i) {
        return offsets[i];
    }

    /** Length in bytes of record {@code i}. */
    public int length(int i) {
        return offsets[i + 1] - offsets[i];
    }

    /** Source position (line number) of record {@code i}. */
    public long position(int i) {
        return positions[i];
    }

    /** Bytes used by the records, without the rejects. */
    public int recordBytes() {
        return offsets[count] - offsets[0];
    }

    /** Records rejected so far from this batch's part of the input, in the order they were found. */
    public List<Reject> rejects() {
        return rejects;
    }

    /** Returns a copy of record {@code i}'s bytes. Convenient, but allocates: hot paths read {@link #data()}. */
    public byte[] recordCopy(int i) {
        byte[] copy = new byte[length(i)];
        System.arraycopy(data, offsets[i], copy, 0, copy.length);
        return copy;
    }

    /**
     * This batch with the context of its rejects filled in where a transform left it out: the stage that ran it, the
     * attempt, the time. Rejects that already have a context keep it. The records are shared, not copied.
     */
    public RecordBatch withRejectContext(String stage, int attempts, long timeMillis) {
        if (rejects.isEmpty()) {
            return this;
        }
        Reject[] stamped = new Reject[rejects.size()];
        boolean changed = false;
        for (int i = 0; i < stamped.length; i++) {
            Reject r = rejects.get(i);
            stamped[i] = r.hasContext() ? r : r.withContext(stage, attempts, timeMillis);
            changed |= stamped[i] != r;
        }
        return changed ? new RecordBatch(sequence, count, data, offsets, positions, List.of(stamped)) : this;
    }

    /** Returns this batch with {@code earlier} rejects placed before its own (used when a stage adds rejects). */
    public RecordBatch withEarlierRejects(List<Reject> earlier) {
        if (earlier.isEmpty()) {
            return this;
        }
        if (rejects.isEmpty()) {
            return new RecordBatch(sequence, count, data, offsets, positions, earlier);
        }
        Reject[] all = new Reject[earlier.size() + rejects.size()];
        int k = 0;
        for (Reject r : earlier) {
            all[k++] = r;
        }
        for (Reject r : rejects) {
            all[k++] = r;
        }
        return new RecordBatch(sequence, count, data, offsets, positions, List.of(all));
    }

    /** The same records under another sequence number (the placement profiler replays a sample). */
    RecordBatch withSequence(long newSequence) {
        return new RecordBatch(newSequence, count, data, offsets, positions, rejects);
    }

    @Override
    public String toString() {
        return "RecordBatch{sequence=" + sequence + ", records=" + count + ", bytes=" + recordBytes()
                + ", rejects=" + rejects.size() + '}';
    }
}
