package dev.hybridetl.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * A small real web site on 127.0.0.1 (the JDK's HTTP server) for the crawler's tests through the app:
 * {@code /page/N} (title "Page N"), {@code /gzip/N} (the same, gzip-encoded), {@code /redirect/N} (to
 * {@code /page/N}), {@code /flaky/N} (503 once, then the page), {@code /slow/N} (after 100 ms), {@code /hang/N}
 * (answers only when the site closes), anything else 404.
 */
final class LocalSite implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    LocalSite() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 64);
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT} + path. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    static String page(int n) {
        return "<html><head><title>Page " + n + "</title></head><body>word " + n + "</body></html>";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            String kind = parts.length == 3 ? parts[1] : "";
            int n = parts.length == 3 && parts[2].matches("\\d+") ? Integer.parseInt(parts[2]) : -1;
            int hit = hits.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger())
                    .incrementAndGet();
            switch (n < 0 ? "" : kind) {
                case "page" -> send(exchange, 200, page(n).getBytes(StandardCharsets.UTF_8), false);
                case "gzip" -> send(exchange, 200, gzip(page(n).getBytes(StandardCharsets.UTF_8)), true);
                case "redirect" -> {
                    exchange.getResponseHeaders().set("Location", "/page/" + n);
                    send(exchange, 302, new byte[0], false);
                }
                case "flaky" -> send(exchange, hit == 1 ? 503 : 200,
                        hit == 1 ? new byte[0] : page(n).getBytes(StandardCharsets.UTF_8), false);
                case "slow" -> {
                    sleep(100);
                    send(exchange, 200, page(n).getBytes(StandardCharsets.UTF_8), false);
                }
                case "hang" -> {
                    awaitClosing();
                    send(exchange, 200, new byte[0], false);
                }
                default -> send(exchange, 404, new byte[0], false);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body, boolean gzipped) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        if (gzipped) {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void awaitClosing() {
        try {
            closing.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }
}
