package dev.hybridetl.web;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * A real HTTP server on loopback addresses serving the crawl corpus ({@link Corpus}), which records how many requests
 * it was answering at once, overall and per {@code Host} header.
 *
 * <p>A request counts from its arrival until its response starts (or, unanswered, until the client drops it). Not
 * counting the time the response is on the wire makes the count a lower bound of the client's requests in flight:
 * a client that keeps its bound can never make it exceed the bound, one that does not is seen as soon as its
 * surplus requests wait here together (the slow pages make them wait).
 */
final class CorpusServer implements AutoCloseable {
    private final LoopResources loops = LoopResources.create("corpus-server", 2, true);
    private final DisposableServer primary;
    private final DisposableServer secondary;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();
    private final Map<String, AtomicInteger> activeByHost = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxByHost = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hitsByPath = new ConcurrentHashMap<>();
    private final Map<String, String> acceptEncodingByPath = new ConcurrentHashMap<>();

    /** Listens on 127.0.0.1 and 127.0.0.2, each on a free port. */
    CorpusServer() {
        primary = bind("127.0.0.1");
        DisposableServer second;
        try {
            second = bind("127.0.0.2");
        } catch (RuntimeException e) {
            primary.disposeNow();
            loops.dispose();
            throw e;
        }
        secondary = second;
    }

    private DisposableServer bind(String address) {
        return HttpServer.create().runOn(loops).host(address).port(0).handle(this::serve).bindNow();
    }

    int primaryPort() {
        return primary.port();
    }

    int secondaryPort() {
        return secondary.port();
    }

    /** Requests being answered now (an unanswered one until its client drops the connection). */
    int activeNow() {
        return active.get();
    }

    /** The most requests answered at once. */
    int maxConcurrent() {
        return maxActive.get();
    }

    /** The most requests answered at once per Host header ({@code host:port}). */
    Map<String, Integer> maxConcurrentByHost() {
        Map<String, Integer> copy = new java.util.TreeMap<>();
        maxByHost.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** How often a path was requested. */
    int hits(String path) {
        AtomicInteger n = hitsByPath.get(path);
        return n == null ? 0 : n.get();
    }

    /** The Accept-Encoding the last request for {@code path} sent. */
    String acceptEncoding(String path) {
        return acceptEncodingByPath.get(path);
    }

    private Publisher<Void> serve(HttpServerRequest request, HttpServerResponse response) {
        String host = request.requestHeaders().get("host", "?");
        String path = request.uri();
        int hit = hitsByPath.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        String acceptEncoding = request.requestHeaders().get("accept-encoding");
        if (acceptEncoding != null) {
            acceptEncodingByPath.put(path, acceptEncoding);
        }
        enter(host);
        AtomicInteger left = new AtomicInteger();
        Runnable leave = () -> {
            if (left.getAndIncrement() == 0) {
                leave(host);
            }
        };
        return Mono.defer(() -> answer(path, hit, response, leave)).doFinally(s -> leave.run());
    }

    private Mono<Void> answer(String path, int hit, HttpServerResponse response, Runnable leave) {
        Corpus.Route route = Corpus.route(path);
        if (route == null) {
            leave.run();
            return response.status(404).send();
        }
        return switch (route.kind()) {
            case PAGE -> html(response, leave, Corpus.pageHtml(route.id()));
            case SLOW -> Mono.delay(Corpus.SLOW_DELAY)
                    .then(Mono.defer(() -> html(response, leave, Corpus.pageHtml(route.id()))));
            case FLAKY -> hit <= Corpus.FLAKY_FAILURES
                    ? status(response, leave, HttpResponseStatus.SERVICE_UNAVAILABLE)
                    : html(response, leave, Corpus.pageHtml(route.id()));
            case LIMITED -> {
                if (hit == 1) {
                    leave.run();
                    yield response.status(429).header("retry-after", "1").send();
                }
                yield html(response, leave, Corpus.pageHtml(route.id()));
            }
            case REDIRECT -> {
                leave.run();
                yield response.status(302).header("location", Corpus.redirectTarget(route.id())).send();
            }
            case LOOP -> {
                leave.run();
                yield response.status(301).header("location", route.id() == 0 ? "/loop/1" : "/loop/0").send();
            }
            case GZIP -> {
                leave.run();
                yield response.status(200).header("content-type", "text/html; charset=utf-8")
                        .header("content-encoding", "gzip")
                        .sendByteArray(Mono.just(gzip(Corpus.pageHtml(route.id())))).then();
            }
            case BIG_DECLARED -> {
                leave.run();
                byte[] big = new byte[Corpus.BIG_BYTES];
                Arrays.fill(big, (byte) 'x');
                yield response.status(200).header("content-type", "text/html").header("content-length",
                        Integer.toString(big.length)).sendByteArray(Mono.just(big)).then();
            }
            case BIG_CHUNKED -> {
                leave.run();
                byte[] chunk = new byte[16 * 1024];
                Arrays.fill(chunk, (byte) 'y');
                yield response.status(200).header("content-type", "text/html")
                        .sendByteArray(Flux.range(0, Corpus.BIG_BYTES / chunk.length).map(i -> chunk)).then();
            }
            case HANG -> Mono.never();
            case ALWAYS_FAILING -> status(response, leave, HttpResponseStatus.INTERNAL_SERVER_ERROR);
            case JSON -> {
                leave.run();
                yield response.status(200).header("content-type", "application/json")
                        .sendString(Mono.just("{\"a\":1}")).then();
            }
        };
    }

    private static Mono<Void> html(HttpServerResponse response, Runnable leave, byte[] body) {
        leave.run();
        return response.status(200).header("content-type", "text/html; charset=utf-8")
                .header("content-language", "en")
                .sendByteArray(Mono.just(body)).then();
    }

    private static Mono<Void> status(HttpServerResponse response, Runnable leave, HttpResponseStatus status) {
        leave.run();
        return response.status(status).send();
    }

    private void enter(String host) {
        maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
        int n = activeByHost.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
        maxByHost.computeIfAbsent(host, h -> new AtomicInteger()).accumulateAndGet(n, Math::max);
    }

    private void leave(String host) {
        active.decrementAndGet();
        activeByHost.get(host).decrementAndGet();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        try {
            primary.disposeNow(Duration.ofSeconds(5));
            secondary.disposeNow(Duration.ofSeconds(5));
        } finally {
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(5));
        }
    }

    /** For messages. */
    @Override
    public String toString() {
        return "CorpusServer{127.0.0.1:" + primaryPort() + ", 127.0.0.2:" + secondaryPort() + '}';
    }
}
