package dev.hybridetl.ipc;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Reject;
import net.openhft.chronicle.bytes.Bytes;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes the frames that cross the process boundary: one frame per Chronicle excerpt, raw bytes only.
 * Nothing in a frame names a Java class; a reader only ever builds {@link RecordBatch}es, {@link Reject}s and strings.
 *
 * <p>Layout (all integers little-endian, as Chronicle writes them; offsets in bytes from the frame start):
 * <pre>
 *   0                   4         6         8
 *   +-------------------+---------+---------+
 *   | magic 0x31424548  | kind    | flags   |   kind: 1 BATCH (pipeline to worker), 2 RESULT, 3 FAILURE,
 *   +-------------------+---------+---------+         4 END_OF_SEGMENT (the writer moved to the next queue)
 *   |            sequence (i64)             |   8    the batch's sequence number
 *   +-------------------+-------------------+
 *   | attempt (i32)     | record count n    |  16    attempt: 0 for the first delivery, +1 per re-delivery
 *   +-------------------+-------------------+
 *   | data length D     | reject count r    |  24
 *   +-------------------+-------------------+
 *   |            busy nanos (i64)           |  32    RESULT: the worker's time in Transform.process; else 0
 *   +---------------------------------------+
 *   | positions   n x i64                   |  40    source position of each record
 *   | lengths     n x i32                   |        length of each record
 *   | data        D bytes                   |        the records back to back
 *   | rejects     r x { position i64, reason length i32, reason (UTF-8), raw length i32, raw bytes }
 *   +---------------------------------------+
 *   FAILURE: the header (n = D = r = 0), then message length i32 and the message (UTF-8).
 * </pre>
 *
 * <p>A frame is at most {@link #maxFrameBytes()} long; encoding a larger batch fails with the sizes in the message
 * rather than producing an excerpt the queue cannot hold. Decoding checks every count against the bytes that remain,
 * so a corrupt frame fails with {@link IllegalArgumentException} instead of allocating absurd arrays.
 *
 * <p>Stateless and thread-safe.
 */
public final class BatchCodec {
    /** Below this, Chronicle's own copy is as good and needs no address arithmetic. */
    private static final int BULK_COPY_MIN_BYTES = 256;

    /** "HEB1" read as a little-endian int. */
    public static final int MAGIC = 0x31424548;
    public static final short KIND_BATCH = 1;
    public static final short KIND_RESULT = 2;
    public static final short KIND_FAILURE = 3;
    public static final short KIND_END_OF_SEGMENT = 4;
    /** Bytes of the fixed header. */
    public static final int HEADER_BYTES = 40;
    /** Default largest frame: a 64 MiB batch (the pipeline's largest batch size) plus its framing. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 80 * 1024 * 1024;

    private final int maxFrameBytes;

    public BatchCodec(int maxFrameBytes) {
        if (maxFrameBytes < HEADER_BYTES + 8) {
            throw new IllegalArgumentException("maxFrameBytes must be at least " + (HEADER_BYTES + 8) + ", was "
                    + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    public BatchCodec() {
        this(DEFAULT_MAX_FRAME_BYTES);
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** The exact size of the frame {@link #encode} writes for this batch. */
    public static long frameBytes(RecordBatch batch) {
        long size = HEADER_BYTES + 12L * batch.size() + batch.recordBytes();
        for (Reject r : batch.rejects()) {
            size += 16L + utf8Length(r.reason()) + r.raw().length;
        }
        return size;
    }

    /**
     * Writes a BATCH or RESULT frame.
     *
     * @throws IllegalArgumentException if the frame would exceed {@link #maxFrameBytes()}
     */
    public void encode(short kind, RecordBatch batch, int attempt, long busyNanos, Bytes<?> out) {
        if (kind != KIND_BATCH && kind != KIND_RESULT) {
            throw new IllegalArgumentException("encode writes BATCH or RESULT frames, not kind " + kind);
        }
        long size = frameBytes(batch);
        if (size > maxFrameBytes) {
            throw new IllegalArgumentException("batch " + batch.sequence() + " needs a frame of " + size
                    + " bytes, more than the limit of " + maxFrameBytes + " bytes");
        }
        int n = batch.size();
        writeHeader(out, kind, batch.sequence(), attempt, n, batch.recordBytes(), batch.rejects().size(), busyNanos);
        for (int i = 0; i < n; i++) {
            out.writeLong(batch.position(i));
        }
        for (int i = 0; i < n; i++) {
            out.writeInt(batch.length(i));
        }
        if (n > 0) {
            writeBulk(out, batch.data(), batch.offset(0), batch.recordBytes());
        }
        for (Reject r : batch.rejects()) {
            byte[] reason = r.reason().getBytes(StandardCharsets.UTF_8);
            out.writeLong(r.position());
            out.writeInt(reason.length);
            out.write(reason);
            out.writeInt(r.raw().length);
            out.write(r.raw());
        }
    }

    /** Writes a FAILURE frame: the worker could not transform batch {@code sequence}. */
    public void encodeFailure(long sequence, int attempt, String message, Bytes<?> out) {
        byte[] text = truncate(message.getBytes(StandardCharsets.UTF_8), maxFrameBytes - HEADER_BYTES - 4);
        writeHeader(out, KIND_FAILURE, sequence, attempt, 0, 0, 0, 0);
        out.writeInt(text.length);
        out.write(text);
    }

    /** Writes an END_OF_SEGMENT frame: the writer continues in its next queue segment. */
    public void encodeEndOfSegment(Bytes<?> out) {
        writeHeader(out, KIND_END_OF_SEGMENT, -1, 0, 0, 0, 0, 0);
    }

    private static void writeHeader(Bytes<?> out, short kind, long sequence, int attempt, int count, int dataLength,
                                    int rejectCount, long busyNanos) {
        out.writeInt(MAGIC);
        out.writeShort(kind);
        out.writeShort((short) 0);
        out.writeLong(sequence);
        out.writeInt(attempt);
        out.writeInt(count);
        out.writeInt(dataLength);
        out.writeInt(rejectCount);
        out.writeLong(busyNanos);
    }

    /**
     * Reads one frame from {@code in}'s read position.
     *
     * @throws IllegalArgumentException if the bytes are not a well-formed frame
     */
    public Frame decode(Bytes<?> in) {
        long remaining = in.readRemaining();
        require(remaining >= HEADER_BYTES, "frame of " + remaining + " bytes is shorter than the header");
        int magic = in.readInt();
        require(magic == MAGIC, "bad frame magic 0x" + Integer.toHexString(magic));
        short kind = in.readShort();
        in.readShort();
        long sequence = in.readLong();
        int attempt = in.readInt();
        int n = in.readInt();
        int dataLength = in.readInt();
        int rejectCount = in.readInt();
        long busyNanos = in.readLong();
        switch (kind) {
            case KIND_FAILURE -> {
                int len = checkedLength(in, in.readInt(), "failure message");
                byte[] text = new byte[len];
                in.read(text);
                return new Frame(kind, sequence, attempt, 0, null, new String(text, StandardCharsets.UTF_8));
            }
            case KIND_END_OF_SEGMENT -> {
                return new Frame(kind, sequence, attempt, 0, null, null);
            }
            case KIND_BATCH, KIND_RESULT -> {
                require(n >= 0 && dataLength >= 0 && rejectCount >= 0, "negative count in frame of batch " + sequence);
                require(12L * n + dataLength + 16L * rejectCount <= in.readRemaining(),
                        "frame of batch " + sequence + " is truncated: " + n + " records, " + dataLength
                                + " bytes, " + rejectCount + " rejects in " + in.readRemaining() + " bytes");
                return new Frame(kind, sequence, attempt, busyNanos, readBatch(in, sequence, n, dataLength,
                        rejectCount), null);
            }
            default -> throw new IllegalArgumentException("unknown frame kind " + kind);
        }
    }

    private static RecordBatch readBatch(Bytes<?> in, long sequence, int n, int dataLength, int rejectCount) {
        long[] positions = new long[n];
        for (int i = 0; i < n; i++) {
            positions[i] = in.readLong();
        }
        int[] offsets = new int[n + 1];
        for (int i = 0; i < n; i++) {
            int len = in.readInt();
            if (len < 0 || offsets[i] + (long) len > dataLength) {
                // not require(): its message would be built for every record, on the hot path
                throw new IllegalArgumentException("record " + i + " of batch " + sequence + " has a bad length "
                        + len);
            }
            offsets[i + 1] = offsets[i] + len;
        }
        require(offsets[n] == dataLength, "record lengths of batch " + sequence + " add up to " + offsets[n]
                + ", not " + dataLength);
        byte[] data = new byte[dataLength];
        readBulk(in, data);
        List<Reject> rejects = new ArrayList<>(rejectCount);
        for (int i = 0; i < rejectCount; i++) {
            require(in.readRemaining() >= 16, "reject " + i + " of batch " + sequence + " is truncated");
            long position = in.readLong();
            byte[] reason = new byte[checkedLength(in, in.readInt(), "reject reason")];
            in.read(reason);
            require(in.readRemaining() >= 4, "reject " + i + " of batch " + sequence + " is truncated");
            byte[] raw = new byte[checkedLength(in, in.readInt(), "reject raw bytes")];
            in.read(raw);
            rejects.add(new Reject(position, new String(reason, StandardCharsets.UTF_8), raw));
        }
        return RecordBatch.wrap(sequence, n, data, offsets, positions, rejects);
    }

    /**
     * Copies record bytes into the excerpt. Chronicle's own {@code write(byte[])} copies heap-to-native memory in a
     * Java loop (so that a safepoint can interrupt it); measured in a worker, that loop was the largest single cost
     * of the enrich job. One {@code Unsafe.copyMemory} (through Agrona) is a plain memcpy. Safe because an excerpt
     * never exceeds a quarter of the block size, so its bytes lie in one contiguous mapping.
     */
    private static void writeBulk(Bytes<?> out, byte[] src, int offset, int length) {
        if (length < BULK_COPY_MIN_BYTES || !out.isDirectMemory()) {
            out.write(src, offset, length);
            return;
        }
        long start = out.writePosition();
        out.writeSkip(length);
        new UnsafeBuffer(out.addressForWrite(start), length).putBytes(0, src, offset, length);
    }

    /** The reading twin of {@link #writeBulk}. */
    private static void readBulk(Bytes<?> in, byte[] dst) {
        if (dst.length < BULK_COPY_MIN_BYTES || !in.isDirectMemory()) {
            in.read(dst);
            return;
        }
        long start = in.readPosition();
        new UnsafeBuffer(in.addressForRead(start), dst.length).getBytes(0, dst);
        in.readSkip(dst.length);
    }

    private static int checkedLength(Bytes<?> in, int len, String what) {
        require(len >= 0 && len <= in.readRemaining(), what + " length " + len + " exceeds the "
                + in.readRemaining() + " bytes left in the frame");
        return len;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    private static int utf8Length(String s) {
        int len = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                len++;
            } else if (c < 0x800) {
                len += 2;
            } else if (Character.isHighSurrogate(c)) {
                len += 4;
                i++;
            } else {
                len += 3;
            }
        }
        return len;
    }

    private static byte[] truncate(byte[] bytes, int max) {
        return bytes.length <= max ? bytes : java.util.Arrays.copyOf(bytes, Math.max(0, max));
    }

    /**
     * One decoded frame.
     *
     * @param kind one of the {@code KIND_*} constants
     * @param batch the batch for BATCH and RESULT frames, else {@code null}
     * @param failure the worker's error message for FAILURE frames, else {@code null}
     */
    public record Frame(short kind, long sequence, int attempt, long busyNanos, RecordBatch batch, String failure) {
    }
}
