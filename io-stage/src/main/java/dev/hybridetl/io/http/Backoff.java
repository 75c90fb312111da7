package dev.hybridetl.io.http;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before retrying: exponential backoff with jitter, and at least what the server asked for.
 *
 * <p>Attempt {@code n}'s retry waits {@code backoff * 2^(n-1)}, capped at {@code maxBackoff}, times a random factor
 * in [0.5, 1): the jitter spreads the retries of many URLs that failed together (a host that came back) instead of
 * sending them all at once again. A {@code Retry-After} is a floor; one longer than {@code maxBackoff} is not waited
 * for (a server that asks for an hour will not be crawled in this run), the URL fails at once.
 */
final class Backoff {
    private final long backoffMillis;
    private final long maxBackoffMillis;

    Backoff(Duration backoff, Duration maxBackoff) {
        this.backoffMillis = Math.max(1, backoff.toMillis());
        this.maxBackoffMillis = Math.max(backoffMillis, maxBackoff.toMillis());
    }

    /**
     * The wait before the retry that follows attempt {@code attempt} (1 for the first), or null to give up.
     *
     * @param retryAfterMillis the server's {@code Retry-After}, or -1
     */
    Duration delay(int attempt, long retryAfterMillis) {
        if (retryAfterMillis > maxBackoffMillis) {
            return null;
        }
        long exponential = backoffMillis << Math.min(attempt - 1, 30);
        long capped = exponential <= 0 ? maxBackoffMillis : Math.min(exponential, maxBackoffMillis);
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        return Duration.ofMillis(Math.max(jittered, retryAfterMillis));
    }

    /**
     * A {@code Retry-After} value in milliseconds from now: delay-seconds or an HTTP date; -1 if absent or unreadable.
     */
    static long retryAfterMillis(String value, long nowMillis) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String v = value.strip();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? -1 : Math.multiplyExact(Math.min(seconds, Long.MAX_VALUE / 1000), 1000L);
        } catch (NumberFormatException notSeconds) {
            try {
                long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Math.max(0, at - nowMillis);
            } catch (DateTimeParseException notDate) {
                return -1;
            }
        }
    }
}
