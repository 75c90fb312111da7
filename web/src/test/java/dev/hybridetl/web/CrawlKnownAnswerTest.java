package dev.hybridetl.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.Stage;
import dev.hybridetl.io.FileSink;
import dev.hybridetl.io.RejectsFormat;
import dev.hybridetl.io.http.HttpSource;
import dev.hybridetl.test.LeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A crawl of the generated corpus ({@link Corpus}) from a real server on 127.0.0.1 and 127.0.0.2, through the
 * web-page transform on both placements: the output and the dead letters equal the corpus's known answer, every
 * listed URL ends exactly once in one of them, and the server never saw more requests at once than the bounds.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrawlKnownAnswerTest {
    private static final int CONCURRENCY = 8;
    private static final int PER_HOST = 3;
    private static final int RETRIES = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private CorpusServer server;
    private final List<String> lines = new ArrayList<>();
    private final List<JsonNode> expectedPages = new ArrayList<>();
    private final List<ExpectedDeadLetter> expectedRejects = new ArrayList<>();

    /** A URL that must end as a dead letter. */
    record ExpectedDeadLetter(long line, String stage, String reason, Integer attempts, String raw) {
    }

    @BeforeEach
    void startServer() throws IOException {
        server = new CorpusServer();
        String a = "http://127.0.0.1:" + server.primaryPort();
        String b = "http://localhost:" + server.primaryPort();
        String c = "http://127.0.0.2:" + server.secondaryPort();
        String[] hosts = {a, b, c};
        comment("# a generated corpus: comments and blank lines are skipped");
        lines.add("");
        for (int h = 0; h < hosts.length; h++) {
            for (int i = 0; i < 12; i++) {
                page(hosts[h], "/page/" + (h * 100 + i), hosts[h], h * 100 + i);
            }
            for (int i = 20; i < 23; i++) {
                page(hosts[h], "/slow/" + (h * 100 + i), hosts[h], h * 100 + i);
            }
            page(hosts[h], "/flaky/" + (h * 100 + 30), hosts[h], h * 100 + 30);
        }
        page(a, "/limited/40", a, 40);
        page(b, "/redirect/150", b, 150);
        page(c, "/gzip/260", c, 260);
        dead(a + "/loop/0", HttpSource.Reasons.REDIRECT_LOOP, 1);
        dead(a + "/big-declared/0", HttpSource.Reasons.TOO_LARGE, 1);
        dead(b + "/big-chunked/0", HttpSource.Reasons.TOO_LARGE, 1);
        dead(a + "/hang/0", HttpSource.Reasons.TIMEOUT, 1);
        dead(c + "/hang/1", HttpSource.Reasons.TIMEOUT, 1);
        dead(b + "/failing/0", "http_500", RETRIES + 1);
        dead(c + "/nothing/0", "http_404", 1);
        expectedRejects.add(new ExpectedDeadLetter(lines.size() + 1, "web-page", WebPageTransform.NOT_HTML, 1,
                a + "/data/0"));
        lines.add(a + "/data/0");
        dead("not a url", HttpSource.Reasons.BAD_URL, null);
        dead("ftp://127.0.0.1/file.txt", HttpSource.Reasons.BAD_URL, null);
        dead("http://127.0.0.1:" + closedPort() + "/page/1", HttpSource.Reasons.CONNECT, RETRIES + 1);
        for (int i = 12; i < 20; i++) {
            page(c, "/page/" + (200 + i), c, 200 + i); // after the failures: the window moves on past them
        }
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void shouldCrawlTheCorpusToItsKnownAnswerWithinTheBounds(Placement placement) throws IOException {
        Path urls = dir.resolve("urls.txt");
        Files.write(urls, lines);
        Path out = dir.resolve("pages.jsonl");
        Path rejects = dir.resolve("pages.rejects.jsonl");

        PipelineResult result = Pipeline.builder()
                .source(HttpSource.of(urls)
                        .withConcurrency(CONCURRENCY)
                        .withPerHost(PER_HOST)
                        .withTimeout(Duration.ofSeconds(1))
                        .withRetries(RETRIES, Duration.ofMillis(20), Duration.ofSeconds(2))
                        .withMaxResponseBytes(256 * 1024))
                .stage(Stage.plugin("web-page").withPlacement(placement).withWorkers(2))
                .sink(FileSink.of(out, rejects).withRejectsFormat(RejectsFormat.JSONL))
                .batchBytes(8 * 1024)
                .build()
                .run();

        List<JsonNode> pages = readJsonLines(out);
        assertThat(pages).containsExactlyElementsOf(expectedPages);
        List<ExpectedDeadLetter> deadLetters = new ArrayList<>();
        for (JsonNode r : readJsonLines(rejects)) {
            deadLetters.add(new ExpectedDeadLetter(r.get("line").asLong(), r.get("stage").asText(),
                    r.get("reason").asText(), r.get("attempts").isNull() ? null : r.get("attempts").asInt(),
                    r.get("raw").asText()));
        }
        assertThat(deadLetters).containsExactlyElementsOf(expectedRejects);
        long listed = lines.stream().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
        assertThat(result.recordsIn()).isEqualTo(listed);
        assertThat(result.recordsOut() + result.recordsRejected()).isEqualTo(listed);

        assertThat(server.maxConcurrent()).as("requests at once, overall").isBetween(2, CONCURRENCY);
        assertThat(server.maxConcurrentByHost()).as("requests at once, per host").hasSize(3)
                .allSatisfy((host, max) -> assertThat(max).as(host).isLessThanOrEqualTo(PER_HOST));
        assertThat(server.hits("/flaky/30")).isEqualTo(Corpus.FLAKY_FAILURES + 1);
        assertThat(server.hits("/limited/40")).isEqualTo(2);
        assertThat(server.hits("/failing/0")).isEqualTo(RETRIES + 1);
        assertThat(server.acceptEncoding("/gzip/260")).contains("gzip");
    }

    private void comment(String line) {
        lines.add(line);
    }

    /** A listed URL that must give the page {@code id} served at {@code finalBase + /page/id} or at its own path. */
    private void page(String base, String path, String finalBase, int id) {
        String url = base + path;
        lines.add(url);
        String finalUrl = path.startsWith("/redirect/") ? finalBase + Corpus.redirectTarget(id) : url;
        byte[] body = Corpus.pageHtml(id);
        ObjectNode page = JSON.createObjectNode();
        page.put("url", url);
        page.put("final_url", finalUrl);
        page.put("status", 200);
        page.put("title", Corpus.title(id));
        page.put("lang", Corpus.lang(id));
        page.put("charset", "UTF-8");
        page.put("words", Corpus.words(id));
        page.put("bytes", body.length);
        page.put("sha256", sha256(body));
        List<String> links = Corpus.links(finalBase, id);
        page.put("link_count", links.size());
        links.forEach(page.putArray("links")::add);
        expectedPages.add(page);
    }

    private void dead(String line, String reason, Integer attempts) {
        expectedRejects.add(new ExpectedDeadLetter(lines.size() + 1, "source", reason, attempts, line));
        lines.add(line);
    }

    private static List<JsonNode> readJsonLines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A port nothing listens on: bound, then closed. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
