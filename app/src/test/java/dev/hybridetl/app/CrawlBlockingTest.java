package dev.hybridetl.app;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.Stage;
import dev.hybridetl.io.FileSink;
import dev.hybridetl.io.http.HttpSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockHound;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A crawl with BlockHound watching: fetching, redirects, retries with their delays, gzip, timeouts, refused
 * connections and the hand-off to the CPU stage never block the run's event loop or the HTTP client's Netty
 * threads (a blocking call there throws and fails the run).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrawlBlockingTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install();
    }

    @Test
    void shouldNeverBlockAnEventLoopWhileCrawling() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (LocalSite site = new LocalSite()) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String kind = switch (i % 8) {
                    case 0 -> "slow";
                    case 1 -> "gzip";
                    case 2 -> "redirect";
                    case 3 -> "flaky";
                    case 4 -> "missing";
                    default -> "page";
                };
                lines.add(site.url("/" + kind + "/" + i));
            }
            lines.add(site.url("/hang/1"));
            lines.add("http://127.0.0.1:" + closedPort + "/page/1");
            lines.add("not a url");
            Path urls = Files.write(dir.resolve("urls.txt"), lines);

            PipelineResult r = Pipeline.builder()
                    .source(HttpSource.of(urls).withConcurrency(8).withPerHost(4).withTimeout(Duration.ofSeconds(1))
                            .withRetries(1, Duration.ofMillis(10), Duration.ofSeconds(1)))
                    .stage(Stage.plugin("web-page").withPlacement(Placement.THREADS).withWorkers(2))
                    .sink(FileSink.of(dir.resolve("out.jsonl"), dir.resolve("rejects.tsv")))
                    .batchBytes(1024)
                    .build()
                    .run();

            assertThat(r.recordsOut()).isEqualTo(35); // 40 - 5 missing
            assertThat(r.recordsRejected()).isEqualTo(8); // 5 missing, the hang, the refused port, the bad URL
        }
    }
}
