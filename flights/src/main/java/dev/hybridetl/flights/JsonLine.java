package dev.hybridetl.flights;

import dev.hybridetl.api.RecordBatchBuilder;

import java.nio.charset.StandardCharsets;

/**
 * Formats one output line straight into the batch, byte by byte: the job fixes the exact bytes (key order, number
 * formats, escaping), and formatting by hand avoids a {@code String} per field on the hot path. A JSON library
 * would be slower here and could not promise these exact bytes.
 *
 * <p>One instance per transform instance (one thread). Usage: {@link #begin}, the {@code field} calls in order,
 * {@link #end}.
 */
final class JsonLine {
    private static final int MAX_LINE_BYTES = 1 << 16;
    private byte[] buf = new byte[1024];
    private int len;

    void begin() {
        len = 0;
    }

    /** Appends literal ASCII (keys, punctuation). */
    JsonLine ascii(byte[] literal) {
        ensure(literal.length);
        System.arraycopy(literal, 0, buf, len, literal.length);
        len += literal.length;
        return this;
    }

    /** Appends raw bytes (fields copied from the input, guaranteed free of {@code "} and {@code \} by lookup). */
    JsonLine raw(byte[] src, int off, int n) {
        ensure(n);
        System.arraycopy(src, off, buf, len, n);
        len += n;
        return this;
    }

    /** Appends a decimal integer: {@code -} for negatives, no leading zeros. */
    JsonLine integer(long v) {
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        if (v == 0) {
            buf[len++] = '0';
            return this;
        }
        int start = len;
        while (v > 0) {
            buf[len++] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
        return this;
    }

    /** Appends a one-decimal number given in tenths: never exponent notation, never {@code -0.0}. */
    JsonLine tenths(long t) {
        if (t < 0) {
            ensure(1);
            buf[len++] = '-';
            t = -t;
        }
        integer(t / 10);
        ensure(2);
        buf[len++] = '.';
        buf[len++] = (byte) ('0' + t % 10);
        return this;
    }

    /** Appends one zigzag-varint value of an encoded polyline, escaping {@code \} for JSON. */
    void polylineValue(long delta) {
        long v = delta < 0 ? ~(delta << 1) : delta << 1;
        ensure(32);
        while (v >= 0x20) {
            put((int) ((0x20 | (v & 0x1f)) + 63));
            v >>= 5;
        }
        put((int) (v + 63));
    }

    private void put(int c) {
        if (c == '\\') {
            buf[len++] = '\\';
        }
        buf[len++] = (byte) c;
    }

    /** Copies the line into the batch as one record. */
    void end(RecordBatchBuilder out, long position) {
        out.add(position, buf, 0, len);
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            if (len + extra > MAX_LINE_BYTES) {
                throw new IllegalStateException("output line longer than " + MAX_LINE_BYTES + " bytes");
            }
            buf = java.util.Arrays.copyOf(buf, Math.max(len + extra, buf.length * 2));
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
