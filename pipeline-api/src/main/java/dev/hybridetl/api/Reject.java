package dev.hybridetl.api;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A record that left the pipeline: where it came from, why, and its raw bytes (without line terminator).
 * It is written to the dead-letter output as {@code reason TAB raw LF} and counted in the run summary.
 *
 * @param position source position (line number) of the record
 * @param reason a short token such as {@code malformed} or {@code unknown_origin}: no tabs or line breaks
 * @param raw the record as read; may be truncated for records over the size limit (see {@link Reasons})
 */
public record Reject(long position, String reason, byte[] raw) {
    public Reject {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(raw, "raw");
        if (reason.isEmpty() || reason.indexOf('\t') >= 0 || reason.indexOf('\n') >= 0 || reason.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("reject reason must be a non-empty token without tabs or line breaks: '"
                    + reason + "'");
        }
    }

    /** The raw record decoded as ISO-8859-1 (byte-transparent). */
    public String rawText() {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    /** Reject reasons produced by the pipeline itself (transforms define their own). */
    public static final class Reasons {
        /** A record longer than the source's maximum record size; {@code raw} holds only its first bytes. */
        public static final String RECORD_TOO_LONG = "record_too_long";
        /** A batch that crashed worker processes repeatedly; all its records are rejected with this reason. */
        public static final String POISON_BATCH = "poison_batch";

        private Reasons() {
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reject r && r.position == position && r.reason.equals(reason)
                && java.util.Arrays.equals(r.raw, raw);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(position) * 31 + reason.hashCode();
    }

    @Override
    public String toString() {
        return "Reject{position=" + position + ", reason=" + reason + ", raw=" + rawText() + '}';
    }
}
