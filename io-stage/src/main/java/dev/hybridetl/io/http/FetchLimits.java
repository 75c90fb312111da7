package dev.hybridetl.io.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The crawl's limits, each validated where it is set, with the bad value in the message. Immutable.
 *
 * @param concurrency requests in flight in all, at most; also the crawl's window of URLs
 * @param perHost requests in flight per host and port, at most
 * @param timeout for connecting, for the response's headers, and for its body, each
 * @param retries how often a retryable failure is tried again
 * @param backoff the first retry's delay, before jitter
 * @param maxBackoff the longest delay between two attempts
 * @param maxResponseBytes the largest body kept, after decoding
 * @param maxRedirects redirects followed, at most
 */
record FetchLimits(int concurrency, int perHost, Duration timeout, int retries, Duration backoff,
                          Duration maxBackoff, long maxResponseBytes, int maxRedirects) {
    /** The defaults: {@link HttpSource}'s constants. */
    static final FetchLimits DEFAULTS = new FetchLimits(HttpSource.DEFAULT_CONCURRENCY, HttpSource.DEFAULT_PER_HOST,
            Duration.ofMillis(HttpSource.DEFAULT_TIMEOUT_MS), HttpSource.DEFAULT_RETRIES,
            Duration.ofMillis(HttpSource.DEFAULT_BACKOFF_MS), Duration.ofMillis(HttpSource.DEFAULT_MAX_BACKOFF_MS),
            HttpSource.DEFAULT_MAX_RESPONSE_BYTES, HttpSource.DEFAULT_MAX_REDIRECTS);

    FetchLimits {
        between("concurrency", concurrency, 1, HttpSource.MAX_CONCURRENCY);
        between("per-host requests", perHost, 1, Integer.MAX_VALUE);
        positive("timeout", timeout);
        between("retries", retries, 0, 100);
        positive("backoff", backoff);
        positive("maximum backoff", maxBackoff);
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException("maximum response size must be positive, was " + maxResponseBytes);
        }
        between("redirects", maxRedirects, 0, 100);
    }

    private static void between(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    private static void positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
    }

    FetchLimits withConcurrency(int n) {
        return new FetchLimits(n, perHost, timeout, retries, backoff, maxBackoff, maxResponseBytes, maxRedirects);
    }

    FetchLimits withPerHost(int n) {
        return new FetchLimits(concurrency, n, timeout, retries, backoff, maxBackoff, maxResponseBytes, maxRedirects);
    }

    FetchLimits withTimeout(Duration d) {
        return new FetchLimits(concurrency, perHost, d, retries, backoff, maxBackoff, maxResponseBytes, maxRedirects);
    }

    FetchLimits withRetries(int n, Duration first, Duration max) {
        return new FetchLimits(concurrency, perHost, timeout, n, first, max, maxResponseBytes, maxRedirects);
    }

    FetchLimits withMaxResponseBytes(long bytes) {
        return new FetchLimits(concurrency, perHost, timeout, retries, backoff, maxBackoff, bytes, maxRedirects);
    }

    FetchLimits withMaxRedirects(int n) {
        return new FetchLimits(concurrency, perHost, timeout, retries, backoff, maxBackoff, maxResponseBytes, n);
    }
}
