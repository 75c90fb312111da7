package dev.hybridetl.bench.crawl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The crawl benchmark's thread-per-request baseline: N platform threads, each fetching one URL at a time with a
 * blocking {@link HttpURLConnection} (keep-alive connections reused from the JDK's cache, sized to N), reading the
 * whole body. What a crawler without an event loop does: concurrency costs one thread per request in flight.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.hybridetl.bench.crawl.ThreadCrawler --urls FILE --threads N
 * [--timeout-ms 3000]}. Prints one JSON line: {@code {"urls":..,"ok":..,"failed":..,"bytes":..,"seconds":..}}
 * ({@code seconds}: from the first request to the last answer, JVM start-up excluded).
 */
public final class ThreadCrawler {
    private ThreadCrawler() {
    }

    public static void main(String[] args) throws Exception {
        Path urls = null;
        int threads = 8;
        int timeoutMs = 3000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--urls" -> urls = Path.of(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--timeout-ms" -> timeoutMs = Integer.parseInt(args[i + 1]);
                default -> urls = null;
            }
        }
        if (urls == null) {
            System.err.println("usage: ThreadCrawler --urls FILE --threads N [--timeout-ms 3000]");
            System.exit(2);
        }
        // The JDK keeps at most 5 idle keep-alive connections per host unless told otherwise.
        System.setProperty("http.maxConnections", Integer.toString(threads));
        List<String> list = Files.readAllLines(urls).stream().filter(s -> !s.isBlank()).toList();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        int timeout = timeoutMs;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            pool.execute(() -> {
                for (int i = next.getAndIncrement(); i < list.size(); i = next.getAndIncrement()) {
                    try {
                        bytes.addAndGet(fetch(list.get(i), timeout));
                        ok.incrementAndGet();
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("{\"urls\":%d,\"ok\":%d,\"failed\":%d,\"bytes\":%d,\"seconds\":%.3f}%n", list.size(),
                ok.get(), failed.get(), bytes.get(), seconds);
    }

    private static long fetch(String url, int timeoutMs) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(timeoutMs);
        c.setReadTimeout(timeoutMs);
        int status = c.getResponseCode();
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            long n = in == null ? 0 : in.transferTo(OutputStream.nullOutputStream());
            if (status != 200) {
                throw new IOException("status " + status);
            }
            return n;
        }
    }
}
