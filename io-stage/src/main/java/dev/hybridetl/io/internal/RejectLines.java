package dev.hybridetl.io.internal;

import dev.hybridetl.api.Reject;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;

/**
 * The dead-letter file's lines, one per reject, in one of two formats.
 *
 * <pre>
 *   TSV:    reason TAB raw LF
 *   JSONL:  {"line":7,"stage":"flights-route","reason":"malformed","attempts":1,"time":"2025-01-31T12:00:00.123Z","raw":"..."} LF
 * </pre>
 *
 * <p>TSV is the flights job's defined reject format (its known answers depend on it) and carries the raw bytes as
 * they were read. JSONL carries the whole context of a {@link Reject}, as Kafka Connect's dead-letter headers do
 * (origin offset, stage, ...) and Logstash's dead-letter entries (the event, the plugin, the reason, the time):
 * {@code line} (the source position), {@code stage} (the stage that rejected it, {@code "source"} for the reader's
 * own), {@code reason}, {@code attempts}, {@code time} (ISO-8601 UTC, milliseconds) and the raw record, exact:
 * {@code raw} as a JSON string when the bytes are valid UTF-8 (decoding it and encoding it as UTF-8 gives the same
 * bytes back), else {@code raw_base64}, the bytes in standard Base64. Context not known (a reject that never passed a
 * runner) is {@code null}. Every line is one JSON object: control characters, quotes and backslashes are escaped.
 *
 * <p>Pure computation, no state: safe from any thread.
 */
public final class RejectLines {
    /** The two formats; {@code dev.hybridetl.io.RejectsFormat} is the public face. */
    public enum Format { TSV, JSONL }

    private static final byte LF = '\n';
    private static final byte TAB = '\t';
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private RejectLines() {
    }

    /** The lines of {@code rejects}, in the order given. */
    public static ByteBuffer encode(Reject[] rejects, Format format) {
        if (rejects.length == 0) {
            return ByteBuffer.allocate(0);
        }
        Out out = new Out(64 + Arrays.stream(rejects).mapToInt(r -> r.raw().length * 2 + 160).sum());
        for (Reject r : rejects) {
            if (format == Format.TSV) {
                out.bytes(r.reason().getBytes(StandardCharsets.ISO_8859_1)).put(TAB).bytes(r.raw()).put(LF);
            } else {
                json(r, out);
            }
        }
        return out.buffer();
    }

    private static void json(Reject r, Out out) {
        out.ascii("{\"line\":").ascii(Long.toString(r.position()));
        out.ascii(",\"stage\":");
        if (r.stage().isEmpty()) {
            out.ascii("null");
        } else {
            string(r.stage().getBytes(StandardCharsets.UTF_8), out);
        }
        out.ascii(",\"reason\":");
        string(r.reason().getBytes(StandardCharsets.UTF_8), out);
        out.ascii(",\"attempts\":").ascii(r.attempts() > 0 ? Integer.toString(r.attempts()) : "null");
        out.ascii(",\"time\":").ascii(r.timeMillis() > 0
                ? "\"" + TIME.format(Instant.ofEpochMilli(r.timeMillis())) + "\"" : "null");
        if (isUtf8(r.raw())) {
            out.ascii(",\"raw\":");
            string(r.raw(), out);
        } else {
            out.ascii(",\"raw_base64\":\"").bytes(Base64.getEncoder().encode(r.raw())).put((byte) '"');
        }
        out.ascii("}").put(LF);
    }

    /** A JSON string of valid UTF-8 {@code bytes}: escapes what JSON requires, copies everything else. */
    private static void string(byte[] utf8, Out out) {
        out.put((byte) '"');
        for (byte b : utf8) {
            int c = b & 0xff;
            if (c == '"' || c == '\\') {
                out.put((byte) '\\').put(b);
            } else if (c >= 0x20) {
                out.put(b);
            } else if (c == '\n') {
                out.ascii("\\n");
            } else if (c == '\r') {
                out.ascii("\\r");
            } else if (c == '\t') {
                out.ascii("\\t");
            } else {
                out.ascii("\\u00").put(HEX[c >> 4]).put(HEX[c & 0xf]);
            }
        }
        out.put((byte) '"');
    }

    /**
     * Strict UTF-8 (RFC 3629): shortest forms only, no surrogates, nothing above U+10FFFF. Anything less strict
     * would let a decoder turn bytes into a string that does not encode back to the same bytes.
     */
    static boolean isUtf8(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b0 = bytes[i] & 0xff;
            if (b0 < 0x80) {
                i++;
                continue;
            }
            int extra;
            int lo = 0x80;
            int hi = 0xbf;
            if (b0 >= 0xc2 && b0 <= 0xdf) {
                extra = 1;
            } else if (b0 >= 0xe0 && b0 <= 0xef) {
                extra = 2;
                if (b0 == 0xe0) {
                    lo = 0xa0; // no overlong 3-byte forms
                } else if (b0 == 0xed) {
                    hi = 0x9f; // no UTF-16 surrogates
                }
            } else if (b0 >= 0xf0 && b0 <= 0xf4) {
                extra = 3;
                if (b0 == 0xf0) {
                    lo = 0x90; // no overlong 4-byte forms
                } else if (b0 == 0xf4) {
                    hi = 0x8f; // nothing above U+10FFFF
                }
            } else {
                return false; // a continuation byte first, C0/C1 (overlong), or F5..FF
            }
            if (i + extra >= n) {
                return false; // cut short
            }
            int b1 = bytes[i + 1] & 0xff;
            if (b1 < lo || b1 > hi) {
                return false;
            }
            for (int k = 2; k <= extra; k++) {
                int bk = bytes[i + k] & 0xff;
                if (bk < 0x80 || bk > 0xbf) {
                    return false;
                }
            }
            i += extra + 1;
        }
        return true;
    }

    /** A growable byte buffer; rejects are rare, so simplicity wins over reuse here. */
    private static final class Out {
        private byte[] bytes;
        private int length;

        Out(int capacity) {
            bytes = new byte[Math.max(16, capacity)];
        }

        Out put(byte b) {
            ensure(1);
            bytes[length++] = b;
            return this;
        }

        Out bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, length, b.length);
            length += b.length;
            return this;
        }

        Out ascii(String s) {
            return bytes(s.getBytes(StandardCharsets.US_ASCII));
        }

        private void ensure(int n) {
            if (length + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(length + n, bytes.length * 2));
            }
        }

        ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes, 0, length);
        }
    }
}
