package dev.hybridetl.io.http;

import dev.hybridetl.api.Source;
import dev.hybridetl.api.SourceReader;
import dev.hybridetl.api.SourceSettings;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A crawler as a {@link Source}: reads a list of URLs (one per line) and fetches each with a non-blocking HTTP client
 * (Reactor Netty), yielding one record per response in the list's order. Immutable; each {@link #open} starts an
 * independent crawl. The design is in {@code docs/crawler.md}.
 *
 * <p>The list: one absolute {@code http} or {@code https} URL per line; blank lines and lines starting with
 * {@code #} are skipped; anything else that is not such a URL is a dead letter {@link Reasons#BAD_URL}. A record's
 * position is its URL's line number. Records are {@link HttpRecord}s, and the reader's header is
 * {@link HttpRecord#FORMAT}.
 *
 * <p>Limits: at most {@link #concurrency()} requests in flight in all, and {@link #perHost()} per host and port;
 * connect, response and body timeouts ({@link #timeout()}); a 2xx body over {@link #maxResponseBytes()} (after gzip
 * decoding) is a dead letter {@link Reasons#TOO_LARGE}; redirects are followed up to {@link #maxRedirects()}.
 * Connection errors, 5xx and 429 are retried up to {@link #retries()} times with exponential backoff and jitter;
 * a 429 or 503 waits at least its {@code Retry-After}. A URL that finally fails is a dead letter whose raw bytes are
 * the URL, with its reason (see {@link Reasons}) and its attempt count.
 *
 * <p>Memory: the crawl is a window of {@link #concurrency()} URLs in list order; a URL is fetched only once the
 * records before it, but at most {@code concurrency} of them, are done, and only while the stages downstream take
 * batches. So at most {@code concurrency} bodies are held, each bounded, whatever the list's length.
 *
 * <p>Threading: the URL list is read by blocking calls on the run's blocking scheduler; requests run on the
 * reader's own Netty event loop ({@code etl-http-*} threads, daemon), batches are assembled on the run's event loop.
 * Nothing blocks the caller or an event loop. {@link SourceReader#close()} closes every connection at once.
 */
public final class HttpSource implements Source {
    /** Default requests in flight in all. */
    public static final int DEFAULT_CONCURRENCY = 32;
    /** The most requests in flight allowed: thousands of sockets are the point; more would only grow the window. */
    public static final int MAX_CONCURRENCY = 65_536;
    /** Default requests in flight per host and port. */
    public static final int DEFAULT_PER_HOST = 8;
    /** Default connect, headers and body timeout, each, in milliseconds. */
    public static final long DEFAULT_TIMEOUT_MS = 10_000;
    /** Default retries of a retryable failure. */
    public static final int DEFAULT_RETRIES = 2;
    /** Default delay of the first retry, before jitter, in milliseconds. */
    public static final long DEFAULT_BACKOFF_MS = 200;
    /** Default longest delay between two attempts, in milliseconds. */
    public static final long DEFAULT_MAX_BACKOFF_MS = 10_000;
    /** Default largest body kept, in bytes after decoding (1 MiB). */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
    /** Default redirects followed. */
    public static final int DEFAULT_MAX_REDIRECTS = 5;

    private final Path urls;
    private final FetchLimits limits;

    private HttpSource(Path urls, FetchLimits limits) {
        this.urls = urls;
        this.limits = limits;
    }

    /**
     * A crawl of the URLs listed in {@code urls} (a file, or a stream such as {@code /dev/stdin}), with the default
     * limits. The file is not touched until {@link #open}.
     */
    public static HttpSource of(Path urls) {
        return new HttpSource(Objects.requireNonNull(urls, "urls"), FetchLimits.DEFAULTS);
    }

    /**
     * At most {@code requests} requests in flight in all (default {@value #DEFAULT_CONCURRENCY}).
     *
     * @throws IllegalArgumentException if not between 1 and {@value #MAX_CONCURRENCY}
     */
    public HttpSource withConcurrency(int requests) {
        return new HttpSource(urls, limits.withConcurrency(requests));
    }

    /**
     * At most {@code requests} requests in flight to one host and port (default
     * {@value #DEFAULT_PER_HOST}); more than {@link #concurrency()} means no bound of its own.
     *
     * @throws IllegalArgumentException if not positive
     */
    public HttpSource withPerHost(int requests) {
        return new HttpSource(urls, limits.withPerHost(requests));
    }

    /**
     * How long connecting may take, then waiting for the response's headers, then reading its body, each
     * (default {@value #DEFAULT_TIMEOUT_MS} ms).
     *
     * @throws IllegalArgumentException if not positive
     */
    public HttpSource withTimeout(Duration timeout) {
        return new HttpSource(urls, limits.withTimeout(timeout));
    }

    /**
     * How often a retryable failure is tried again (default {@value #DEFAULT_RETRIES}); the first retry
     * waits about {@code backoff}, each next one twice as long, at most {@code maxBackoff}, randomised by up to half
     * (default {@value #DEFAULT_BACKOFF_MS} ms and {@value #DEFAULT_MAX_BACKOFF_MS} ms). A {@code Retry-After}
     * longer than {@code maxBackoff} is not waited for: the URL fails at once.
     *
     * @throws IllegalArgumentException if {@code retries} is negative or over 100, or a duration is not positive
     */
    public HttpSource withRetries(int retries, Duration backoff, Duration maxBackoff) {
        return new HttpSource(urls, limits.withRetries(retries, backoff, maxBackoff));
    }

    /**
     * The largest body kept, in bytes after decoding (default {@value #DEFAULT_MAX_RESPONSE_BYTES}). A record
     * must also fit the pipeline's {@link SourceSettings#maxRecordBytes()}; the smaller bound wins (less room for
     * the record's header lines).
     *
     * @throws IllegalArgumentException if not positive
     */
    public HttpSource withMaxResponseBytes(long bytes) {
        return new HttpSource(urls, limits.withMaxResponseBytes(bytes));
    }

    /**
     * How many redirects are followed (default {@value #DEFAULT_MAX_REDIRECTS}); 0 makes every redirect
     * a dead letter {@link Reasons#TOO_MANY_REDIRECTS}.
     *
     * @throws IllegalArgumentException if negative or over 100
     */
    public HttpSource withMaxRedirects(int redirects) {
        return new HttpSource(urls, limits.withMaxRedirects(redirects));
    }

    /** The file of URLs. */
    public Path urls() {
        return urls;
    }

    /** Requests in flight in all, at most. */
    public int concurrency() {
        return limits.concurrency();
    }

    /** Requests in flight per host and port, at most. */
    public int perHost() {
        return limits.perHost();
    }

    /** The connect, response and body timeout. */
    public Duration timeout() {
        return limits.timeout();
    }

    /** Retries of a retryable failure. */
    public int retries() {
        return limits.retries();
    }

    /** Largest body kept, in bytes. */
    public long maxResponseBytes() {
        return limits.maxResponseBytes();
    }

    /** Redirects followed, at most. */
    public int maxRedirects() {
        return limits.maxRedirects();
    }

    @Override
    public String description() {
        return "URLs in " + urls;
    }

    /**
     * Opens the list on {@code settings.blocking()} and starts the reader's event loop. Fetching starts only when
     * batches are demanded.
     *
     * @return a Mono of the reader; it fails with a one-line {@link java.io.IOException} if the list cannot be
     *     opened
     */
    @Override
    public Mono<SourceReader> open(SourceSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return CrawlReader.open(urls, limits, settings);
    }

    @Override
    public String toString() {
        return "HttpSource{" + urls + ", " + limits + '}';
    }

    /** The dead-letter reasons of a crawl; the reject's raw bytes are the URL (or the line, for a bad one). */
    public static final class Reasons {
        /** The line is not an absolute http or https URL with a host, or is longer than 4096 bytes. */
        public static final String BAD_URL = "bad_url";
        /** Connecting, the response's headers or its body took longer than the timeout. */
        public static final String TIMEOUT = "timeout";
        /** The host name does not resolve. */
        public static final String DNS = "dns";
        /** The connection was refused or could not be made (retried). */
        public static final String CONNECT = "connect";
        /** The connection closed or broke before the response was complete (retried). */
        public static final String CONNECTION_LOST = "connection_lost";
        /** The TLS handshake failed. */
        public static final String TLS = "tls";
        /** The body is larger than the limit (by its Content-Length or as it arrived). */
        public static final String TOO_LARGE = "too_large";
        /** A redirect leads back to a URL of the same chain. */
        public static final String REDIRECT_LOOP = "redirect_loop";
        /** More redirects than the limit. */
        public static final String TOO_MANY_REDIRECTS = "too_many_redirects";
        /** A redirect without a Location, or to something that is not an http(s) URL. */
        public static final String BAD_REDIRECT = "bad_redirect";
        /** The server's answer is not valid HTTP. */
        public static final String BAD_RESPONSE = "bad_response";
        /** Any other failure of the request. */
        public static final String FETCH_ERROR = "fetch_error";
        /** The prefix of a final status that is not 2xx: {@code http_404}, {@code http_503} (after retries). */
        public static final String HTTP_STATUS_PREFIX = "http_";

        private Reasons() {
        }
    }
}
