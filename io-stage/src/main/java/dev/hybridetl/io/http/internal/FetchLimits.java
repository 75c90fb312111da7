package dev.hybridetl.io.http.internal;

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
public record FetchLimits(int concurrency, int perHost, Duration timeout, int retries, Duration backoff,
                          Duration maxBackoff, long maxResponseBytes, int maxRedirects) {
    public static final int DEFAULT_CONCURRENCY = 32;
    /** Enough for a crawl of thousands of sockets; more would only grow the window's memory. */
    public static final int MAX_CONCURRENCY = 65_536;
    public static final int DEFAULT_PER_HOST = 8;
    public static final int DEFAULT_RETRIES = 2;
    public static final int DEFAULT_MAX_REDIRECTS = 5;
    public static final FetchLimits DEFAULTS = new FetchLimits(DEFAULT_CONCURRENCY, DEFAULT_PER_HOST,
            Duration.ofSeconds(10), DEFAULT_RETRIES, Duration.ofMillis(200), Duration.ofSeconds(10), 1024 * 1024,
            DEFAULT_MAX_REDIRECTS);

    public FetchLimits {
        between("concurrency", concurrency, 1, MAX_CONCURRENCY);
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

    public FetchLimits withConcurrency(int n) {
        return new FetchLimits(n, perHost, timeout, retries, backoff, maxBackoff, maxResponseBytes, maxRedirects);
    }

    public FetchLimits withPerHost(int n) {
        return new FetchLimits(concurrency, n, timeout, retries, backoff, maxBackoff, maxResponseBytes, maxRedirects);
    }

    public FetchLimits withTimeout(Duration d) {
        return new FetchLimits(concurrency, perHost, d, retries, backoff, maxBackoff, maxResponseBytes, maxRedirects);
    }

    public FetchLimits withRetries(int n, Duration first, Duration max) {
        return new FetchLimits(concurrency, perHost, timeout, n, first, max, maxResponseBytes, maxRedirects);
    }

    public FetchLimits withMaxResponseBytes(long bytes) {
        return new FetchLimits(concurrency, perHost, timeout, retries, backoff, maxBackoff, bytes, maxRedirects);
    }

    public FetchLimits withMaxRedirects(int n) {
        return new FetchLimits(concurrency, perHost, timeout, retries, backoff, maxBackoff, maxResponseBytes, n);
    }
}
