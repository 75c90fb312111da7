package dev.hybridetl.app;

import dev.hybridetl.test.LeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --metrics-port} scraped by a real HTTP client mid-run, and {@code --report} parsed as strict XHTML. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ExtendWith(LeakCheck.class)
class ObservabilityCliTest {
    private static final Pattern URL = Pattern.compile("metrics at (http://\\S+/metrics)");
    private static final Pattern BATCHES = Pattern.compile(
            "^etl_worker_batches_total\\{stage=\"test-kit-upper\",worker=\"(\\d)\"} ([0-9.E]+)$", Pattern.MULTILINE);

    static {
        // The JDK's client otherwise caches the connection and starts a keep-alive thread that LeakCheck reports.
        System.setProperty("http.keepAlive", "false");
    }

    @TempDir
    Path dir;

    private Path input(int rows, String name) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("id,text");
        for (int i = 0; i < rows; i++) {
            lines.add(i + ",row number " + i + (i % 100 == 7 ? " " + "x".repeat(300) : ""));
        }
        Path in = dir.resolve(name);
        Files.write(in, lines);
        return in;
    }

    @Test
    void shouldServeWorkerMetersThatMoveBetweenTwoScrapesDuringAProcessesRun() throws Exception {
        Path in = input(3000, "in.csv");
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Main.execute(
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "run", "-i", in.toString(),
                "-o", dir.resolve("out.jsonl").toString(), "-t", "test-kit-upper", "-c", "delayMs=20",
                "--placement", "processes", "--workers", "2", "--batch-bytes", "512", "--no-progress",
                "--metrics-port", "0"));
        awaitTrue(() -> URL.matcher(err.toString()).find() || run.isDone());
        Matcher m = URL.matcher(err.toString());
        assertThat(m.find()).as("the endpoint's URL on stderr: %s", err).isTrue();
        assertThat(m.group(1)).startsWith("http://127.0.0.1:");
        URI scrape = URI.create(m.group(1));

        double[] first = new double[1];
        awaitTrue(() -> (first[0] = batches(scrape)) > 0 || run.isDone());
        double[] second = new double[1];
        awaitTrue(() -> (second[0] = batches(scrape)) > first[0] || run.isDone());
        assertThat(run.isDone()).as("still running after two scrapes: %s", err).isFalse();
        assertThat(second[0]).isGreaterThan(first[0]);
        Scrape page = get(scrape);
        assertThat(page.contentType()).startsWith("text/plain");
        assertThat(page.body()).contains("etl_worker_busy_time_seconds_total{stage=\"test-kit-upper\",worker=\"1\"}",
                "etl_worker_heap_used_bytes{stage=\"test-kit-upper\",worker=\"0\"}",
                "etl_stage_queue_depth{kind=\"processes\",stage=\"test-kit-upper\"}",
                "etl_stage_busy_ms_per_second{kind=\"processes\",stage=\"test-kit-upper\"}");
        assertThat(get(URI.create(m.group(1).replace("/metrics", "/other"))).status()).isEqualTo(404);

        assertThat(run.get(150, TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(httpFails(scrape)).as("the endpoint is closed when the run ends").isTrue();
    }

    @Test
    void shouldWriteAReportThatParsesAndHoldsTheRunsNumbersWithFileNamesEscaped() throws Exception {
        Path in = input(1000, "<b>evil<i> & 'quoted\".csv");
        Path report = dir.resolve("report.html");
        CliTest.Outcome o = CliTest.cli("run", "-i", in.toString(), "-o", dir.resolve("out.jsonl").toString(),
                "-t", "test-kit-upper", "--placement", "threads", "--workers", "2", "--max-record-bytes", "200",
                "--no-progress", "--report", report.toString());

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.err()).contains("report written to " + report);
        Document doc = parseStrictly(report);
        assertThat(byId(doc, "outcome").getTextContent()).isEqualTo("succeeded");
        assertThat(byId(doc, "records-in").getTextContent()).isEqualTo("1,000");
        assertThat(byId(doc, "records-out").getTextContent()).isEqualTo("990");
        assertThat(byId(doc, "records-rejected").getTextContent()).isEqualTo("10");
        assertThat(byId(doc, "rejects").getTextContent()).contains("source: record_too_long", "10");
        assertThat(doc.getElementsByTagName("title").item(0).getTextContent()).contains("<b>evil<i> & 'quoted\".csv");
        assertThat(doc.getElementsByTagName("b").getLength() + doc.getElementsByTagName("i").getLength())
                .as("no markup from a file name").isZero();
        assertThat(byId(doc, "configuration").getTextContent()).contains("--workers", "--report");
        assertThat(byId(doc, "workers").getTextContent()).contains("worker 0", "worker 1");
        assertThat(doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg").getLength())
                .isGreaterThanOrEqualTo(3);
        assertThat(doc.getElementsByTagName("script").getLength()).isZero();
        assertThat(Files.readString(report)).as("nothing to fetch at view time")
                .doesNotContainPattern("(src|href)=\"(https?:)?//");
    }

    @Test
    void shouldWriteAReportOfAFailedRunNamingTheFailure() throws Exception {
        Path in = input(500, "in.csv");
        Path report = dir.resolve("failed.html");
        CliTest.Outcome o = CliTest.cli("run", "-i", in.toString(), "-o", dir.resolve("out.jsonl").toString(),
                "-t", "test-kit-fail", "-c", "atBatch=1", "--placement", "threads", "--batch-bytes", "1024",
                "--no-progress", "--report", report.toString());

        assertThat(o.exitCode()).isEqualTo(1);
        Document doc = parseStrictly(report);
        assertThat(byId(doc, "outcome").getTextContent()).isEqualTo("failed");
        assertThat(byId(doc, "failure").getTextContent()).contains("stage 'test-kit-fail'");
    }

    @Test
    void shouldWriteAReportOfACancelledRun() throws Exception {
        Path report = dir.resolve("cancelled.html");
        StringWriter err = new StringWriter();
        try (RunObservation observed = RunObservation.open(null, report, java.util.Map.of("--workers", "1"),
                new PrintWriter(err, true))) {
            dev.hybridetl.api.PipelineRun run = observed.watch(dev.hybridetl.api.Pipeline.builder()
                    .source(dev.hybridetl.test.MemorySource.of("id", java.util.Collections.nCopies(200, "row"))
                            .withLinesPerBatch(1))
                    .stage(dev.hybridetl.api.Stage.plugin("test-kit-upper").withConfig("delayMs", "50")
                            .withPlacement(dev.hybridetl.api.Placement.THREADS).withWorkers(1))
                    .sink(new dev.hybridetl.test.MemorySink())
                    .meterRegistry(observed.registry())
                    .build().start());
            run.cancel();
            run.completion().handle((r, e) -> null).get(30, TimeUnit.SECONDS);
        }
        assertThat(err.toString()).contains("report written to " + report);
        Document doc = parseStrictly(report);
        assertThat(byId(doc, "outcome").getTextContent()).isEqualTo("cancelled");
        assertThat(byId(doc, "failure").getTextContent()).contains("cancelled");
    }

    @Test
    void shouldExplainTheObservabilityOptionsInHelp() {
        CliTest.Outcome help = CliTest.cli("run", "--help");
        assertThat(help.out()).contains("--metrics-port", "--metrics-bind", "--report", "/metrics", "127.0.0.1");
    }

    @Test
    void shouldRefuseABadPortOrReportPathWithOneLine() {
        CliTest.Outcome port = CliTest.cli("run", "--metrics-port", "70000");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err().strip()).isEqualTo("pipeline-app: --metrics-port must be between 0 and 65535, was 70000");
        CliTest.Outcome bind = CliTest.cli("run", "--metrics-port", "0", "--metrics-bind", "no.such.host.invalid");
        assertThat(bind.exitCode()).isEqualTo(2);
        assertThat(bind.err().strip()).isEqualTo("pipeline-app: --metrics-bind: unknown address 'no.such.host.invalid'");
        CliTest.Outcome report = CliTest.cli("run", "--report", dir.resolve("no/such/dir/r.html").toString());
        assertThat(report.exitCode()).isEqualTo(2);
        assertThat(report.err()).contains("--report must name a file in an existing directory");
    }

    private static Document parseStrictly(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(file.toFile());
    }

    private static Element byId(Document doc, String id) {
        NodeList all = doc.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (id.equals(e.getAttribute("id"))) {
                return e;
            }
        }
        throw new AssertionError("no element with id " + id);
    }

    private record Scrape(int status, String contentType, String body) {
    }

    /** One GET with the JDK's HTTP client, connection closed afterwards (no keep-alive thread left behind). */
    private static Scrape get(URI uri) throws java.io.IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(10_000);
        c.setRequestProperty("Connection", "close");
        try {
            int status = c.getResponseCode();
            try (var in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                return new Scrape(status, c.getContentType(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            c.disconnect();
        }
    }

    private static double batches(URI scrape) {
        try {
            Matcher m = BATCHES.matcher(get(scrape).body());
            double sum = 0;
            while (m.find()) {
                sum += Double.parseDouble(m.group(2));
            }
            return sum;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static boolean httpFails(URI scrape) {
        try {
            get(scrape);
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 120 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
