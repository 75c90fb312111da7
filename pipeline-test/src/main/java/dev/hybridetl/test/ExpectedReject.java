package dev.hybridetl.test;

import dev.hybridetl.api.Reject;

import java.util.Objects;

/**
 * A reject a test expects: its line number (the header is line 1) and reason, and optionally its raw record.
 * Made with {@link TransformTestKit#reject(long, String)}.
 *
 * @param line the source position of the rejected record
 * @param reason the reject reason
 * @param raw the raw record decoded as ISO-8859-1, or {@code null} to accept any
 */
public record ExpectedReject(long line, String reason, String raw) {
    public ExpectedReject {
        Objects.requireNonNull(reason, "reason");
    }

    /** The same reject, with its raw record checked too. */
    public ExpectedReject withRaw(String raw) {
        return new ExpectedReject(line, reason, Objects.requireNonNull(raw, "raw"));
    }

    /** True if {@code actual} is this reject. */
    public boolean matches(Reject actual) {
        return actual.position() == line && actual.reason().equals(reason)
                && (raw == null || raw.equals(actual.rawText()));
    }

    @Override
    public String toString() {
        return "line " + line + " " + reason + (raw == null ? "" : " \"" + raw + "\"");
    }

    /** How a test would write {@code actual}. */
    static String describe(Reject actual) {
        return "line " + actual.position() + " " + actual.reason() + " \"" + actual.rawText() + "\"";
    }
}
