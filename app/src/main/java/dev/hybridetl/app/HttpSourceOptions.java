package dev.hybridetl.app;

import dev.hybridetl.io.http.HttpSource;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * {@code run}'s options for {@code --source http} (the crawler, docs/crawler.md): how hard it may hit the servers and
 * how long it waits for them. Each is checked by {@link HttpSource} itself; a bad value is one line naming the option,
 * exit 2.
 */
final class HttpSourceOptions {
    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "" + HttpSource.DEFAULT_CONCURRENCY,
            description = "--source http: requests in flight in all, at most; also the window of URLs fetched "
                    + "ahead of the output (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--per-host", paramLabel = "N", defaultValue = "" + HttpSource.DEFAULT_PER_HOST,
            description = "--source http: requests in flight to one host and port, at most (default: "
                    + "${DEFAULT-VALUE}).")
    int perHost;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = HttpSource.DEFAULT_TIMEOUT_MS + "ms",
            converter = Units.DurationConverter.class,
            description = "--source http: how long connecting, then waiting for the response's headers, then "
                    + "reading its body may each take, e.g. 500ms, 3s (default: ${DEFAULT-VALUE}). Not retried.")
    Duration timeout;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "" + HttpSource.DEFAULT_RETRIES,
            description = "--source http: how often a refused or broken connection, a 5xx or a 429 is tried again "
                    + "(default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--retry-backoff", paramLabel = "DURATION", defaultValue = HttpSource.DEFAULT_BACKOFF_MS + "ms",
            converter = Units.DurationConverter.class,
            description = "--source http: the first retry's delay, doubled for each next one, with random jitter "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration backoff;

    @Option(names = "--max-retry-wait", paramLabel = "DURATION",
            defaultValue = HttpSource.DEFAULT_MAX_BACKOFF_MS + "ms",
            converter = Units.DurationConverter.class,
            description = "--source http: the longest wait before a retry; a server's Retry-After longer than this "
                    + "is not waited for, the URL fails (default: ${DEFAULT-VALUE}).")
    Duration maxBackoff;

    @Option(names = "--max-response-size", paramLabel = "SIZE",
            defaultValue = "" + HttpSource.DEFAULT_MAX_RESPONSE_BYTES,
            converter = Units.BytesConverter.class,
            description = "--source http: the largest body kept, after gzip decoding, e.g. 256KiB; a larger one is a "
                    + "dead letter 'too_large'. Also bounded by --max-record-bytes (default: ${DEFAULT-VALUE}).")
    long maxResponseBytes;

    @Option(names = "--max-redirects", paramLabel = "N", defaultValue = "" + HttpSource.DEFAULT_MAX_REDIRECTS,
            description = "--source http: redirects followed, at most (default: ${DEFAULT-VALUE}).")
    int maxRedirects;

    /**
     * The crawl of the URLs listed in {@code urls}, with these options.
     *
     * @throws Main.UsageProblem naming the option whose value is refused
     */
    HttpSource source(Path urls) {
        HttpSource source = HttpSource.of(urls);
        source = checked(source, "--concurrency", s -> s.withConcurrency(concurrency));
        source = checked(source, "--per-host", s -> s.withPerHost(perHost));
        source = checked(source, "--timeout", s -> s.withTimeout(timeout));
        source = checked(source, "--retries, --retry-backoff or --max-retry-wait",
                s -> s.withRetries(retries, backoff, maxBackoff));
        source = checked(source, "--max-response-size", s -> s.withMaxResponseBytes(maxResponseBytes));
        return checked(source, "--max-redirects", s -> s.withMaxRedirects(maxRedirects));
    }

    private static HttpSource checked(HttpSource source, String option, UnaryOperator<HttpSource> setting) {
        try {
            return setting.apply(source);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageProblem(option + ": " + e.getMessage());
        }
    }
}
