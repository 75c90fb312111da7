package dev.hybridetl.bench.crawl;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The crawl benchmark's web server on 127.0.0.1: answers every URL after a fixed delay with a small HTML page
 * ({@code <title>page /path</title>}, a few links and words), and keeps count of the requests it served and of the
 * most it had in flight at once, so a run shows both its rate and that the crawler's concurrency bound held.
 *
 * <p>The delay costs no thread: the handler only schedules the answer on one timer thread and returns (the JDK
 * server keeps the exchange open until it is closed), so thousands of requests can wait at once on a few threads.
 * {@code GET /__stats} answers {@code {"requests":N,"max_in_flight":M,"in_flight":K}} at once, {@code GET /__reset}
 * zeroes the counters; neither is counted.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.hybridetl.bench.crawl.DelayServer [--port 0] [--delay-ms 50]};
 * prints {@code listening on PORT} when ready and serves until killed.
 */
public final class DelayServer {
    private static final int BACKLOG = 4096;

    private final long delayMs;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "delay-timer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();

    private DelayServer(long delayMs) {
        this.delayMs = delayMs;
    }

    public static void main(String[] args) throws IOException {
        int port = 0;
        long delayMs = 50;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--delay-ms" -> delayMs = Long.parseLong(args[i + 1]);
                default -> {
                    System.err.println("usage: DelayServer [--port 0] [--delay-ms 50]");
                    System.exit(2);
                }
            }
        }
        // The JDK server writes headers and body apart; without TCP_NODELAY, Nagle's algorithm meets the client's
        // delayed ACK and every answer waits ~40 ms more on loopback.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        DelayServer server = new DelayServer(delayMs);
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
        http.createContext("/", server::handle);
        // Two threads parse requests; the answers are sent from the timer thread.
        http.setExecutor(Executors.newFixedThreadPool(2));
        http.start();
        System.out.println("listening on " + http.getAddress().getPort());
        System.out.flush();
    }

    private void handle(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/__stats") || path.equals("/__reset")) {
            if (path.equals("/__reset")) {
                requests.set(0);
                maxInFlight.set(inFlight.get());
            }
            respond(exchange, "application/json", String.format("{\"requests\":%d,\"max_in_flight\":%d,"
                    + "\"in_flight\":%d}", requests.get(), maxInFlight.get(), inFlight.get()));
            return;
        }
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        timer.schedule(() -> {
            // Counted out before the answer goes: a client may send its next request the moment it has it.
            inFlight.decrementAndGet();
            requests.incrementAndGet();
            try {
                respond(exchange, "text/html; charset=utf-8", page(path));
            } catch (IOException e) {
                exchange.close(); // the client went away: nothing to answer
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    private static String page(String path) {
        return "<!doctype html><html lang=\"en\"><head><title>page " + path + "</title></head><body><h1>"
                + path + "</h1><p>A small page of the crawl benchmark, served after a fixed delay.</p>"
                + "<a href=\"/\">home</a> <a href=\"" + path + "/next\">next</a></body></html>\n";
    }

    private static void respond(HttpExchange exchange, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
