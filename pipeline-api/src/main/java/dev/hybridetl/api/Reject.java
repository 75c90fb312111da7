package dev.hybridetl.api;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A record that left the pipeline: where it came from, which stage rejected it and why, after how many attempts,
 * when, and its raw bytes (without line terminator). It is written to the dead-letter output (by default as
 * {@code reason TAB raw LF}; the JSON-lines format carries every field) and counted in the run summary.
 *
 * <p>A transform creates rejects with the short constructor; the stage runner that ran it fills in the context
 * ({@link #withContext}), so a transform need not know where or how often it runs.
 *
 * @param position source position (line number) of the record
 * @param reason a short token such as {@code malformed} or {@code unknown_origin}: no tabs or line breaks
 * @param raw the record as read; may be truncated for records over the size limit (see {@link Reasons})
 * @param stage the stage that rejected it ({@link #SOURCE} for the source's own rejects), empty until known
 * @param attempts how many times its batch was tried when it was rejected, 0 until known
 * @param timeMillis when it was rejected (epoch milliseconds), 0 until known
 */
public record Reject(long position, String reason, byte[] raw, String stage, int attempts, long timeMillis) {
    /** The stage name of rejects made by the source (for example {@link Reasons#RECORD_TOO_LONG}). */
    public static final String SOURCE = "source";

    public Reject {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(stage, "stage");
        if (reason.isEmpty() || reason.indexOf('\t') >= 0 || reason.indexOf('\n') >= 0 || reason.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("reject reason must be a non-empty token without tabs or line breaks: '"
                    + reason + "'");
        }
    }

    /** A reject whose context (stage, attempts, time) the runner fills in later. */
    public Reject(long position, String reason, byte[] raw) {
        this(position, reason, raw, "", 0, 0);
    }

    /** True once the stage that rejected it is known. */
    public boolean hasContext() {
        return !stage.isEmpty();
    }

    /** This reject with its context; the raw bytes are shared, not copied. */
    public Reject withContext(String stage, int attempts, long timeMillis) {
        return new Reject(position, reason, raw, stage, attempts, timeMillis);
    }

    /** The raw record decoded as ISO-8859-1 (byte-transparent). */
    public String rawText() {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    /** Reject reasons produced by the pipeline itself (transforms define their own). */
    public static final class Reasons {
        /** A record longer than the source's maximum record size; {@code raw} holds only its first bytes. */
        public static final String RECORD_TOO_LONG = "record_too_long";
        /**
         * A record that crashes the worker process that transforms it. A batch that kills workers repeatedly is split
         * until the records that do are isolated; only they are rejected, with this reason.
         */
        public static final String POISON_RECORD = "poison_record";
        /** A record its transform did not finish within the stage's batch timeout, tried alone, repeatedly. */
        public static final String TRANSFORM_TIMEOUT = "transform_timeout";

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
        return "Reject{position=" + position + ", reason=" + reason + ", stage=" + stage + ", attempts=" + attempts
                + ", raw=" + rawText() + '}';
    }
}
