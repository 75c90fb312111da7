package dev.hybridetl.io;

import java.util.Locale;

/**
 * How {@link FileSink} writes the dead-letter file: one line per reject, sorted by source position within each batch
 * (so, for a file source, in input order).
 */
public enum RejectsFormat {
    /**
     * {@code reason TAB raw LF}: the raw record exactly as read. The default, and the flights job's defined format
     * (docs/jobs/flights.md).
     */
    TSV("tsv"),
    /**
     * One JSON object per line with every field of the reject:
     * {@code {"line":7,"stage":"flights-route","reason":"malformed","attempts":1,"time":"2025-01-31T12:00:00.123Z",
     * "raw":"..."}}. {@code raw} holds the record as a JSON string when it is valid UTF-8; otherwise the line has
     * {@code raw_base64} (standard Base64 of the bytes) instead, so the bytes are always kept exact. Unknown context
     * ({@code stage}, {@code attempts}, {@code time}) is {@code null}.
     */
    JSONL("jsonl");

    private final String cliName;

    RejectsFormat(String cliName) {
        this.cliName = cliName;
    }

    /** The name on the command line and the default file extension: {@code tsv} or {@code jsonl}. */
    public String cliName() {
        return cliName;
    }

    /**
     * The format named {@code name} ({@code tsv} or {@code jsonl}, any case).
     *
     * @throws IllegalArgumentException naming the known formats otherwise
     */
    public static RejectsFormat parse(String name) {
        for (RejectsFormat f : values()) {
            if (f.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown rejects format '" + name + "'; use 'tsv' or 'jsonl'");
    }
}
