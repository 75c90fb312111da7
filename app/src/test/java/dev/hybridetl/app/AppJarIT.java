package dev.hybridetl.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar, started the way a user starts it: {@code java -jar app/target/pipeline-app.jar run}, with no
 * extra JVM flags (the manifest carries what Chronicle needs).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AppJarIT {
    static final Path JAR = Path.of("target/pipeline-app.jar").toAbsolutePath();

    @TempDir
    Path workDir;

    private record Result(int exitCode, String output) {
    }

    private Result runJar(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }

    @Test
    void shouldRunBundledSampleWithKnownAnswerWhenGivenNoOptions() throws Exception {
        Result r = runJar("run");

        assertThat(r.exitCode()).as(r.output()).isZero();
        Path out = workDir.resolve("out/flights-200k.flights-enrich.jsonl");
        assertThat(r.output()).contains("bundled sample", out.getFileName().toString(), "in 200,000");
        assertThat(KnownAnswers.sortedSha256(out)).isEqualTo(KnownAnswers.ENRICH_SORTED);
        assertThat(workDir.resolve("out/flights-200k.flights-enrich.rejects.tsv")).isEmptyFile();
    }

    @Test
    void shouldMatchRouteKnownAnswerThroughTheJar() throws Exception {
        Path out = workDir.resolve("route.jsonl");
        Result r = runJar("run", "--input", KnownAnswers.SAMPLE.toAbsolutePath().toString(), "--output",
                out.toString(), "--transform", "flights-route", "--workers", "2");

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(KnownAnswers.sortedSha256(out)).isEqualTo(KnownAnswers.ROUTE_SORTED);
        assertThat(KnownAnswers.fileSha256(out)).startsWith(KnownAnswers.ROUTE_FILE_PREFIX);
    }

    @Test
    void shouldExit2WithOneLineWhenInputIsMissing() throws Exception {
        Result r = runJar("run", "--input", "missing.csv");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.output().strip()).isEqualTo("pipeline-app: input file not found: missing.csv");
    }
}
