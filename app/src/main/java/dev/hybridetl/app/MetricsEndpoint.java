package dev.hybridetl.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code --metrics-port}: serves the run's registry at {@code /metrics} in the Prometheus text format, with the
 * JDK's own HTTP server (as Micrometer's documentation shows), on one daemon thread. Anything else is a 404; a
 * scrape that fails answers 500 and never touches the run.
 */
final class MetricsEndpoint implements AutoCloseable {
    static final String PATH = "/metrics";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts serving.
     *
     * @param port 0 picks a free port ({@link #port()} says which)
     * @throws IOException if the address cannot be bound (in use, not local)
     */
    static MetricsEndpoint start(PrometheusMeterRegistry registry, InetSocketAddress address) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "etl-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> serve(registry, exchange));
        server.start();
        return new MetricsEndpoint(server, executor);
    }

    private static void serve(PrometheusMeterRegistry registry, HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                reply(exchange, 404, "text/plain; charset=utf-8", "not found: try " + PATH + "\n");
                return;
            }
            String body;
            try {
                body = registry.scrape();
            } catch (RuntimeException e) {
                reply(exchange, 500, "text/plain; charset=utf-8", "scrape failed: " + e + "\n");
                return;
            }
            reply(exchange, 200, CONTENT_TYPE, body);
        }
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The port it listens on. */
    int port() {
        return server.getAddress().getPort();
    }

    /** The URL to scrape. */
    String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + PATH;
    }

    /** Stops listening at once and ends its thread. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
