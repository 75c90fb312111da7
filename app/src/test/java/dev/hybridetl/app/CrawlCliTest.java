package dev.hybridetl.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.hybridetl.app.CliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code run --source http} through the command line: a crawl of a local site, and one line, exit 2, per mistake. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrawlCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private LocalSite site;

    @BeforeEach
    void startSite() throws IOException {
        site = new LocalSite();
    }

    @AfterEach
    void stopSite() {
        site.close();
    }

    @Test
    void shouldCrawlTheListIntoOneJsonLinePerPageInListOrderAndDeadLetterTheRest() throws IOException {
        Path urls = Files.write(dir.resolve("urls.txt"), List.of("# the site", site.url("/slow/1"),
                site.url("/page/2"), "", site.url("/gzip/3"), site.url("/redirect/4"), site.url("/flaky/5"),
                site.url("/missing/6"), "mailto:someone@example.org"));
        Path out = dir.resolve("pages.jsonl");

        CliTest.Outcome o = cli("run", "--source", "http", "--input", urls.toString(), "--output", out.toString(),
                "--transform", "web-page", "--placement", "threads", "--workers", "2", "--concurrency", "4",
                "--per-host", "2", "--timeout", "5s", "--retry-backoff", "10ms", "--no-progress");

        assertThat(o.exitCode()).as(o.err()).isZero();
        List<String> titles = new ArrayList<>();
        List<String> finalUrls = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            JsonNode page = JSON.readTree(line);
            titles.add(page.get("title").asText());
            finalUrls.add(page.get("final_url").asText());
        }
        assertThat(titles).containsExactly("Page 1", "Page 2", "Page 3", "Page 4", "Page 5");
        assertThat(finalUrls.get(3)).isEqualTo(site.url("/page/4"));
        assertThat(Files.readAllLines(dir.resolve("pages.rejects.tsv"))).containsExactly(
                "http_404\t" + site.url("/missing/6"), "bad_url\tmailto:someone@example.org");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--concurrency|0|--concurrency: concurrency must be between 1 and 65536, was 0",
            "--per-host|-1|--per-host: per-host requests must be between 1",
            "--timeout|0s|--timeout: timeout must be positive",
            "--timeout|soon|'soon' is not a duration",
            "--max-response-size|0|--max-response-size: maximum response size must be positive",
            "--max-redirects|101|--max-redirects: redirects must be between 0 and 100",
            "--retries|-2|retries must be between 0 and 100"})
    void shouldPrintOneLineAndExit2ForABadHttpOption(String option, String value, String message) throws IOException {
        Path urls = Files.write(dir.resolve("urls.txt"), List.of(site.url("/page/1")));
        CliTest.Outcome o = cli("run", "--source", "http", "--input", urls.toString(), "--output",
                dir.resolve("o.jsonl").toString(), "--transform", "web-page", option, value);

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).contains(message);
        assertThat(o.err().strip().lines()).hasSize(1);
        assertThat(dir.resolve("o.jsonl")).doesNotExist();
    }

    @Test
    void shouldExplainTheHttpSourceOptionsInHelp() {
        CliTest.Outcome o = cli("run", "--help");
        assertThat(o.exitCode()).isZero();
        assertThat(o.out()).contains("--source", "--concurrency", "--per-host", "--timeout", "--retries",
                "--retry-backoff", "--max-retry-wait", "--max-response-size", "--max-redirects",
                "--source http --input urls.txt");
    }

    @Test
    void shouldPrintOneLineAndExit2ForAnUnknownSourceOrAMissingList() {
        CliTest.Outcome unknown = cli("run", "--source", "ftp", "--input", "x");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown --source 'ftp'; use file, http, tcp or follow");

        CliTest.Outcome noInput = cli("run", "--source", "http", "--transform", "web-page");
        assertThat(noInput.exitCode()).isEqualTo(2);
        assertThat(noInput.err()).contains("--source http needs --input");

        CliTest.Outcome missing = cli("run", "--source", "http", "--input", dir.resolve("none.txt").toString(),
                "--transform", "web-page");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("input file not found");

        CliTest.Outcome resume = cli("run", "--source", "http", "--input", dir.toString(), "--resume");
        assertThat(resume.exitCode()).isEqualTo(2);
        assertThat(resume.err()).contains("--resume and --keep-progress work with --source file only");
    }

    @Test
    void shouldFailWithExit2WhenWebPageReadsAFile() throws IOException {
        Path csv = Files.write(dir.resolve("in.csv"), List.of("a,b", "1,2"));
        CliTest.Outcome o = cli("run", "--input", csv.toString(), "--output", dir.resolve("o.jsonl").toString(),
                "--transform", "web-page", "--placement", "threads", "--no-progress");
        assertThat(o.exitCode()).isNotZero();
        assertThat(o.err()).contains("--source http");
    }
}
