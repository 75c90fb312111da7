package dev.hybridetl.io.http;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fetches one URL to its end: requests, follows redirects, retries, and gives a record or a dead-letter reason.
 * Never fails for a URL's sake: only an {@link Error} propagates.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Per-host bound = the connection pool.</b> Reactor Netty keeps one pool per remote host and port; with
 *       HTTP/1.1 a connection carries one request at a time, so a pool of {@code perHost} connections is exactly
 *       the per-host bound, and requests beyond it queue inside the pool without holding a thread. Time spent in
 *       that queue does not count against the timeout.</li>
 *   <li><b>Timeouts.</b> Connect: Netty's {@code CONNECT_TIMEOUT_MILLIS}. Headers: Reactor Netty's response
 *       timeout (it also fires when the body stalls). Body: a timer on the whole body, so a server that trickles a
 *       byte at a time still ends.</li>
 *   <li><b>Redirects by hand</b>, not Reactor Netty's {@code followRedirect}: the chain is needed to tell a loop
 *       from a long chain and to report the final URL, and each hop is a request under the same limits.</li>
 *   <li><b>Own event loop and pool</b>, disposed by {@link #close()}: cancelling or failing a run closes every
 *       connection at once and leaves no thread (the global {@code HttpResources} would outlive the run).</li>
 * </ul>
 *
 * <p>Threading: requests and their bodies run on the fetcher's Netty event loop ({@code etl-http-*}); retry delays
 * and the body timer on the run's event loop. Thread-safe.
 */
final class Fetcher implements AutoCloseable {
    /** Sent as {@code User-Agent}. */
    static final String USER_AGENT = "hybrid-etl-crawler/0.1";
    /** The longest header value a record keeps; longer ones are cut (they are hints, and a record is bounded). */
    static final int MAX_HEADER_CHARS = 1024;
    /**
     * Bound on waiting for a connection of a busy host. Every connection is released within its own timeouts, so
     * the wait always ends; this only keeps Reactor Netty's default (45 s) from failing a long per-host queue.
     */
    private static final Duration POOL_WAIT_BOUND = Duration.ofDays(1);
    private static final Duration DISPOSE_QUIET = Duration.ZERO;
    private static final Duration DISPOSE_TIMEOUT = Duration.ofSeconds(1);

    private final FetchLimits limits;
    private final int maxBodyBytes;
    private final Scheduler timer;
    private final Backoff backoff;
    private final LoopResources loops;
    private final ConnectionProvider pool;
    private final HttpClient client;
    private final LongAdder bodyBytes = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param maxBodyBytes the largest body kept (the limit, or less where the pipeline's records are smaller)
     * @param timer where retry delays and body timers run: the run's event loop
     */
    Fetcher(FetchLimits limits, int maxBodyBytes, Scheduler timer) {
        this.limits = limits;
        this.maxBodyBytes = maxBodyBytes;
        this.timer = timer;
        this.backoff = new Backoff(limits.backoff(), limits.maxBackoff());
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        this.loops = LoopResources.create("etl-http", 1, threads, true);
        this.pool = ConnectionProvider.builder("etl-http")
                .maxConnections(limits.perHost())
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(POOL_WAIT_BOUND)
                .build();
        this.client = HttpClient.create(pool)
                .runOn(loops)
                .compress(true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        limits.timeout().toMillis()))
                .responseTimeout(limits.timeout())
                .headers(h -> h.set(HttpHeaderNames.USER_AGENT, USER_AGENT));
    }

    /** Body bytes received so far, after decoding. */
    long bodyBytes() {
        return bodyBytes.sum();
    }

    /** The URL's outcome; never an error signal except for an {@link Error}. */
    Mono<FetchOutcome> fetch(UrlLine line) {
        URI uri = line.tooLong() ? null : Urls.parse(line.text());
        if (uri == null) {
            return Mono.just(FetchOutcome.failed(line, HttpSource.Reasons.BAD_URL, 0));
        }
        return attempt(line, uri, 1);
    }

    private Mono<FetchOutcome> attempt(UrlLine line, URI uri, int attempt) {
        List<URI> chain = new ArrayList<>();
        chain.add(uri);
        return follow(uri, chain).flatMap(hop -> {
            if (hop instanceof Hop.Page page) {
                byte[] record = new HttpRecord(line.text(), page.uri().toASCIIString(), page.status(),
                        page.headers(), page.body()).encode();
                return Mono.just(FetchOutcome.page(line, record, attempt));
            }
            Hop.Failure failure = (Hop.Failure) hop;
            if (failure.retryable() && attempt <= limits.retries()) {
                Duration delay = backoff.delay(attempt, failure.retryAfterMillis());
                if (delay != null) {
                    return Mono.delay(delay, timer).then(Mono.defer(() -> attempt(line, uri, attempt + 1)));
                }
            }
            return Mono.just(FetchOutcome.failed(line, failure.reason(), attempt));
        });
    }

    /** Requests {@code uri} and follows its redirects; the result is a page or a failure. */
    private Mono<Hop.Result> follow(URI uri, List<URI> chain) {
        return request(uri).flatMap(hop -> {
            if (!(hop instanceof Hop.Redirect redirect)) {
                return Mono.just(hop);
            }
            URI next = Urls.resolve(uri, redirect.location());
            if (next == null) {
                return Mono.just(Hop.Failure.of(HttpSource.Reasons.BAD_REDIRECT, false));
            }
            if (chain.contains(next)) {
                return Mono.just(Hop.Failure.of(HttpSource.Reasons.REDIRECT_LOOP, false));
            }
            if (chain.size() > limits.maxRedirects()) {
                return Mono.just(Hop.Failure.of(HttpSource.Reasons.TOO_MANY_REDIRECTS, false));
            }
            chain.add(next);
            return follow(next, chain);
        });
    }

    private Mono<Hop.Result> request(URI uri) {
        return client.get().uri(uri.toASCIIString())
                .response((response, body) -> answer(uri, response, body))
                .next()
                .onErrorResume(e -> !(e instanceof Error), e -> Mono.just(Failures.classify(e)));
    }

    private Mono<Hop.Result> answer(URI uri, HttpClientResponse response, ByteBufFlux body) {
        int status = response.status().code();
        HttpHeaders headers = response.responseHeaders();
        if (status >= 300 && status < 400 && status != 304) {
            return Mono.just(new Hop.Redirect(headers.get(HttpHeaderNames.LOCATION)));
        }
        if (status == 429 || status >= 500) {
            long retryAfter = Backoff.retryAfterMillis(headers.get(HttpHeaderNames.RETRY_AFTER),
                    System.currentTimeMillis());
            return Mono.just(new Hop.Failure(HttpSource.Reasons.HTTP_STATUS_PREFIX + status, true, retryAfter));
        }
        if (status < 200 || status >= 300) {
            return Mono.just(Hop.Failure.of(HttpSource.Reasons.HTTP_STATUS_PREFIX + status, false));
        }
        String declared = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (declared != null && parseLength(declared) > maxBodyBytes) {
            return Mono.just(Hop.Failure.of(HttpSource.Reasons.TOO_LARGE, false));
        }
        Map<String, String> selected = selected(headers);
        return body.reduce(new BodyBuffer(maxBodyBytes), BodyBuffer::add)
                .timeout(limits.timeout(), timer)
                .map(buffer -> {
                    byte[] bytes = buffer.bytes();
                    bodyBytes.add(bytes.length);
                    return new Hop.Page(uri, status, selected, bytes);
                });
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1; // the codec rejects a malformed length itself
        }
    }

    private static Map<String, String> selected(HttpHeaders headers) {
        Map<String, String> selected = new LinkedHashMap<>();
        for (String name : HttpRecord.SELECTED_HEADERS) {
            String value = headers.get(name);
            if (value != null) {
                String oneLine = value.replace('\r', ' ').replace('\n', ' ').strip();
                selected.put(name, oneLine.length() > MAX_HEADER_CHARS ? oneLine.substring(0, MAX_HEADER_CHARS)
                        : oneLine);
            }
        }
        return selected;
    }

    /**
     * Closes every connection and stops the event loop. Idempotent; never throws; waits up to a second for the
     * threads to end, except on a non-blocking thread, where it only starts the shutdown.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Mono<Void> shutdown = pool.disposeLater()
                .onErrorResume(e -> Mono.empty())
                .then(loops.disposeLater(DISPOSE_QUIET, DISPOSE_TIMEOUT))
                .onErrorResume(e -> Mono.empty());
        if (Schedulers.isInNonBlockingThread()) {
            shutdown.subscribe();
            return;
        }
        try {
            shutdown.block(DISPOSE_TIMEOUT.plusSeconds(1));
        } catch (RuntimeException e) {
            // Past the bound the daemon threads end by themselves; nothing is held for the run any more.
        }
    }
}
