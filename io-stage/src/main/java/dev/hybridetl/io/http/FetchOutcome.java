package dev.hybridetl.io.http;

import java.nio.charset.StandardCharsets;

/**
 * One URL's end: its record's bytes, or the reason it is a dead letter.
 *
 * @param line the URL's line in the list
 * @param record the encoded {@link dev.hybridetl.io.http.HttpRecord}, or null for a dead letter
 * @param reason the dead-letter reason, or null for a record
 * @param attempts how many requests were made for it (redirects not counted); 0 for a bad URL
 */
record FetchOutcome(UrlLine line, byte[] record, String reason, int attempts) {
    static FetchOutcome page(UrlLine line, byte[] record, int attempts) {
        return new FetchOutcome(line, record, null, attempts);
    }

    static FetchOutcome failed(UrlLine line, String reason, int attempts) {
        return new FetchOutcome(line, null, reason, attempts);
    }

    /** The dead letter's raw bytes: the URL as listed. */
    byte[] raw() {
        return line.text().getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes this outcome adds to a batch. */
    int bytes() {
        return record != null ? record.length : line.text().length();
    }
}
