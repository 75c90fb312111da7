package dev.hybridetl.ipc;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Reject;
import net.openhft.chronicle.bytes.Bytes;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes the frames that cross the process boundary: one frame per Chronicle excerpt (input) or
 * {@link ResultRing} message (results), raw bytes only.
 * Nothing in a frame names a Java class; a reader only ever builds {@link RecordBatch}es, {@link Reject}s and strings.
 *
 * <p>Layout (all integers little-endian, as Chronicle writes them; offsets in bytes from the frame start):
 * <pre>
 *   0                   4         6         8
 *   +-------------------+---------+---------+
 *   | magic 0x31424548  | kind    | flags   |   kind: 1 BATCH (pipeline to worker), 2 RESULT, 3 FAILURE
 *   +-------------------+---------+---------+
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
    /** "HEB1" read as a little-endian int. */
    public static final int MAGIC = 0x31424548;
    public static final short KIND_BATCH = 1;
    public static final short KIND_RESULT = 2;
    public static final short KIND_FAILURE = 3;
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
     * Writes a BATCH or RESULT frame at {@code out}'s write position (a Chronicle excerpt).
     *
     * @throws IllegalArgumentException if the frame would exceed {@link #maxFrameBytes()}
     */
    public void encode(short kind, RecordBatch batch, int attempt, long busyNanos, Bytes<?> out) {
        int size = checkedFrameBytes(kind, batch);
        MutableDirectBuffer view = claim(out, size);
        write(kind, batch, attempt, busyNanos, view, 0, size);
        commit(out, view, size);
    }

    /**
     * Writes a BATCH or RESULT frame of exactly {@link #frameBytes} bytes into {@code out} at {@code offset} (a
     * claimed region of a {@link ResultRing}, or a view of a Chronicle excerpt). The record bytes go in with one
     * {@code Unsafe.copyMemory} each way: Chronicle's own {@code write(byte[])} copies heap to native memory in a
     * Java loop (so that a safepoint can interrupt it), which, measured in a worker, was the largest single cost of
     * the enrich job.
     *
     * @return the bytes written
     * @throws IllegalArgumentException if the frame would exceed {@link #maxFrameBytes()}
     */
    public int encode(short kind, RecordBatch batch, int attempt, long busyNanos, MutableDirectBuffer out,
                      int offset) {
        return write(kind, batch, attempt, busyNanos, out, offset, checkedFrameBytes(kind, batch));
    }

    /** The frame, {@code size} bytes as {@link #checkedFrameBytes} found: each caller checks once. */
    private static int write(short kind, RecordBatch batch, int attempt, long busyNanos, MutableDirectBuffer out,
                             int offset, int size) {
        int n = batch.size();
        int at = writeHeader(out, offset, kind, batch.sequence(), attempt, n, batch.recordBytes(),
                batch.rejects().size(), busyNanos);
        for (int i = 0; i < n; i++, at += 8) {
            out.putLong(at, batch.position(i), ByteOrder.LITTLE_ENDIAN);
        }
        for (int i = 0; i < n; i++, at += 4) {
            out.putInt(at, batch.length(i), ByteOrder.LITTLE_ENDIAN);
        }
        if (n > 0) {
            out.putBytes(at, batch.data(), batch.offset(0), batch.recordBytes());
            at += batch.recordBytes();
        }
        for (Reject r : batch.rejects()) {
            byte[] reason = r.reason().getBytes(StandardCharsets.UTF_8);
            out.putLong(at, r.position(), ByteOrder.LITTLE_ENDIAN);
            out.putInt(at + 8, reason.length, ByteOrder.LITTLE_ENDIAN);
            out.putBytes(at + 12, reason);
            at += 12 + reason.length;
            out.putInt(at, r.raw().length, ByteOrder.LITTLE_ENDIAN);
            out.putBytes(at + 4, r.raw());
            at += 4 + r.raw().length;
        }
        return size;
    }

    /**
     * The size of the BATCH or RESULT frame of {@code batch}, checked against {@link #maxFrameBytes()}: what a writer
     * claims before it encodes in place.
     *
     * @throws IllegalArgumentException if the frame would exceed {@link #maxFrameBytes()}, with both sizes
     */
    public int checkedFrameBytes(short kind, RecordBatch batch) {
        if (kind != KIND_BATCH && kind != KIND_RESULT) {
            throw new IllegalArgumentException("encode writes BATCH or RESULT frames, not kind " + kind);
        }
        long size = frameBytes(batch);
        if (size > maxFrameBytes) {
            throw new IllegalArgumentException("batch " + batch.sequence() + " needs a frame of " + size
                    + " bytes, more than the limit of " + maxFrameBytes + " bytes");
        }
        return (int) size;
    }

    /** The exact size of the frame {@link #encodeFailure} writes for this message. */
    public int failureFrameBytes(String message) {
        return HEADER_BYTES + 4 + failureText(message).length;
    }

    /** Writes a FAILURE frame of {@link #failureFrameBytes} bytes at {@code offset}; returns its size. */
    public int encodeFailure(long sequence, int attempt, String message, MutableDirectBuffer out, int offset) {
        byte[] text = failureText(message);
        int at = writeHeader(out, offset, KIND_FAILURE, sequence, attempt, 0, 0, 0, 0);
        out.putInt(at, text.length, ByteOrder.LITTLE_ENDIAN);
        out.putBytes(at + 4, text);
        return HEADER_BYTES + 4 + text.length;
    }

    private byte[] failureText(String message) {
        return truncate(message.getBytes(StandardCharsets.UTF_8), maxFrameBytes - HEADER_BYTES - 4);
    }

    private static int writeHeader(MutableDirectBuffer out, int offset, short kind, long sequence, int attempt,
                                   int count, int dataLength, int rejectCount, long busyNanos) {
        out.putInt(offset, MAGIC, ByteOrder.LITTLE_ENDIAN);
        out.putShort(offset + 4, kind, ByteOrder.LITTLE_ENDIAN);
        out.putShort(offset + 6, (short) 0, ByteOrder.LITTLE_ENDIAN);
        out.putLong(offset + 8, sequence, ByteOrder.LITTLE_ENDIAN);
        out.putInt(offset + 16, attempt, ByteOrder.LITTLE_ENDIAN);
        out.putInt(offset + 20, count, ByteOrder.LITTLE_ENDIAN);
        out.putInt(offset + 24, dataLength, ByteOrder.LITTLE_ENDIAN);
        out.putInt(offset + 28, rejectCount, ByteOrder.LITTLE_ENDIAN);
        out.putLong(offset + 32, busyNanos, ByteOrder.LITTLE_ENDIAN);
        return offset + HEADER_BYTES;
    }

    /**
     * A view of the next {@code size} bytes of {@code out}: the excerpt's own native memory where it is direct (one
     * mapping: an excerpt never exceeds a quarter of the queue's block size, so its bytes are contiguous), else a
     * heap scratch array that {@link #commit} copies in.
     */
    private static MutableDirectBuffer claim(Bytes<?> out, int size) {
        if (out.isDirectMemory()) {
            long start = out.writePosition();
            out.writeSkip(size); // maps (or grows) the bytes first, so that the address below stays valid
            return new UnsafeBuffer(out.addressForWrite(start), size);
        }
        return new UnsafeBuffer(new byte[size]);
    }

    private static void commit(Bytes<?> out, MutableDirectBuffer view, int size) {
        if (view.byteArray() != null) {
            out.write(view.byteArray(), 0, size);
        }
    }

    /**
     * Reads one frame from {@code in}'s read position (a Chronicle excerpt) and moves past it.
     *
     * @throws IllegalArgumentException if the bytes are not a well-formed frame
     */
    public Frame decode(Bytes<?> in) {
        long remaining = in.readRemaining();
        require(remaining >= HEADER_BYTES, "frame of " + remaining + " bytes is shorter than the header");
        int length = (int) Math.min(remaining, Integer.MAX_VALUE);
        DirectBuffer view;
        if (in.isDirectMemory()) {
            view = new UnsafeBuffer(in.addressForRead(in.readPosition()), length);
        } else {
            byte[] copy = new byte[length];
            long start = in.readPosition();
            in.read(copy);
            in.readPosition(start);
            view = new UnsafeBuffer(copy);
        }
        Frame frame = decode(view, 0, length);
        in.readSkip(frame.frameBytes());
        return frame;
    }

    /**
     * Reads the frame of {@code length} bytes at {@code offset} (a ring message, or a view of an excerpt); the
     * record bytes are copied onto the heap in one {@code Unsafe.copyMemory}.
     *
     * @throws IllegalArgumentException if the bytes are not a well-formed frame
     */
    public Frame decode(DirectBuffer in, int offset, int length) {
        require(length >= HEADER_BYTES, "frame of " + length + " bytes is shorter than the header");
        int magic = in.getInt(offset, ByteOrder.LITTLE_ENDIAN);
        require(magic == MAGIC, "bad frame magic 0x" + Integer.toHexString(magic));
        short kind = in.getShort(offset + 4, ByteOrder.LITTLE_ENDIAN);
        long sequence = in.getLong(offset + 8, ByteOrder.LITTLE_ENDIAN);
        int attempt = in.getInt(offset + 16, ByteOrder.LITTLE_ENDIAN);
        int n = in.getInt(offset + 20, ByteOrder.LITTLE_ENDIAN);
        int dataLength = in.getInt(offset + 24, ByteOrder.LITTLE_ENDIAN);
        int rejectCount = in.getInt(offset + 28, ByteOrder.LITTLE_ENDIAN);
        long busyNanos = in.getLong(offset + 32, ByteOrder.LITTLE_ENDIAN);
        Cursor c = new Cursor(in, offset + HEADER_BYTES, offset + length);
        switch (kind) {
            case KIND_FAILURE -> {
                byte[] text = c.bytes(c.length("failure message"));
                return new Frame(kind, sequence, attempt, 0, null, new String(text, StandardCharsets.UTF_8),
                        c.at - offset);
            }
            case KIND_BATCH, KIND_RESULT -> {
                require(n >= 0 && dataLength >= 0 && rejectCount >= 0, "negative count in frame of batch " + sequence);
                require(12L * n + dataLength + 16L * rejectCount <= c.remaining(),
                        "frame of batch " + sequence + " is truncated: " + n + " records, " + dataLength
                                + " bytes, " + rejectCount + " rejects in " + c.remaining() + " bytes");
                RecordBatch batch = readBatch(c, sequence, n, dataLength, rejectCount);
                return new Frame(kind, sequence, attempt, busyNanos, batch, null, c.at - offset);
            }
            default -> throw new IllegalArgumentException("unknown frame kind " + kind);
        }
    }

    private static RecordBatch readBatch(Cursor c, long sequence, int n, int dataLength, int rejectCount) {
        DirectBuffer in = c.buffer;
        long[] positions = new long[n];
        for (int i = 0; i < n; i++, c.at += 8) {
            positions[i] = in.getLong(c.at, ByteOrder.LITTLE_ENDIAN);
        }
        int[] offsets = new int[n + 1];
        for (int i = 0; i < n; i++, c.at += 4) {
            int len = in.getInt(c.at, ByteOrder.LITTLE_ENDIAN);
            if (len < 0 || offsets[i] + (long) len > dataLength) {
                // not require(): its message would be built for every record, on the hot path
                throw new IllegalArgumentException("record " + i + " of batch " + sequence + " has a bad length "
                        + len);
            }
            offsets[i + 1] = offsets[i] + len;
        }
        require(offsets[n] == dataLength, "record lengths of batch " + sequence + " add up to " + offsets[n]
                + ", not " + dataLength);
        byte[] data = c.bytes(dataLength);
        List<Reject> rejects = new ArrayList<>(rejectCount);
        for (int i = 0; i < rejectCount; i++) {
            require(c.remaining() >= 16, "reject " + i + " of batch " + sequence + " is truncated");
            long position = in.getLong(c.at, ByteOrder.LITTLE_ENDIAN);
            c.at += 8;
            byte[] reason = c.bytes(c.length("reject reason"));
            require(c.remaining() >= 4, "reject " + i + " of batch " + sequence + " is truncated");
            byte[] raw = c.bytes(c.length("reject raw bytes"));
            rejects.add(new Reject(position, new String(reason, StandardCharsets.UTF_8), raw));
        }
        return RecordBatch.wrap(sequence, n, data, offsets, positions, rejects);
    }

    /** A read position in a frame, with its end. */
    private static final class Cursor {
        final DirectBuffer buffer;
        final int end;
        int at;

        Cursor(DirectBuffer buffer, int at, int end) {
            this.buffer = buffer;
            this.at = at;
            this.end = end;
        }

        int remaining() {
            return end - at;
        }

        /** Reads a length prefix and checks it against the bytes left. */
        int length(String what) {
            require(remaining() >= 4, what + " length is truncated");
            int len = buffer.getInt(at, ByteOrder.LITTLE_ENDIAN);
            at += 4;
            require(len >= 0 && len <= remaining(), what + " length " + len + " exceeds the " + remaining()
                    + " bytes left in the frame");
            return len;
        }

        byte[] bytes(int len) {
            byte[] b = new byte[len];
            buffer.getBytes(at, b);
            at += len;
            return b;
        }
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
     * @param frameBytes the bytes the frame took
     */
    public record Frame(short kind, long sequence, int attempt, long busyNanos, RecordBatch batch, String failure,
                        int frameBytes) {
    }
}
