package dev.hybridetl.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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

    /** What a run with separate streams gave: stdout's bytes, stderr's text. */
    private record Piped(int exitCode, byte[] stdout, String stderr) {
    }

    static List<String> javaJar(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Result runJar(String... args) throws IOException, InterruptedException {
        return run(javaJar(args));
    }

    private Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }

    /** Runs the jar with {@code stdin} written into its stdin pipe, and its stdout and stderr kept apart. */
    private Piped runJarPiped(Path stdin, String... args) throws Exception {
        Process p = new ProcessBuilder(javaJar(args)).directory(workDir.toFile()).start();
        CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> {
            try (OutputStream in = p.getOutputStream(); InputStream file = Files.newInputStream(stdin)) {
                file.transferTo(in);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] stdout = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
        feeding.get(10, TimeUnit.SECONDS);
        return new Piped(p.exitValue(), stdout, stderr.get(10, TimeUnit.SECONDS));
    }

    static Path mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
        return path;
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> files = Files.walk(workDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-")).toList();
        }
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"threads", "processes"})
    void shouldReadStdinAndWriteRecordsAloneToStdoutWhenBothAreDashes(String placement) throws Exception {
        Piped r = runJarPiped(KnownAnswers.SAMPLE.toAbsolutePath(), "run", "-i", "-", "-o", "-", "--placement",
                placement, "--workers", "2");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        Path out = Files.write(workDir.resolve("stdout.jsonl"), r.stdout());
        assertThat(KnownAnswers.fileSha256(out)).startsWith(KnownAnswers.ENRICH_FILE_PREFIX);
        assertThat(KnownAnswers.sortedSha256(out)).isEqualTo(KnownAnswers.ENRICH_SORTED);
        assertThat(r.stderr()).contains("input     stdin", "in 200,000 | out 200,000");
        assertThat(workDir.resolve("out/stdin.flights-enrich.rejects.tsv")).isEmptyFile();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void shouldReadProcessSubstitutionWhenInputCannotSeek() throws Exception {
        Path sample = KnownAnswers.SAMPLE.toAbsolutePath();
        String java = String.join(" ", javaJar("run", "-i", "<(zcat '" + sample + "')", "-o", "sub.jsonl",
                "--placement", "threads", "--workers", "2"));
        Result r = run(List.of("bash", "-c", java));

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(KnownAnswers.fileSha256(workDir.resolve("sub.jsonl"))).startsWith(KnownAnswers.ENRICH_FILE_PREFIX);
        assertThat(r.output()).contains("/dev/fd/", "in 200,000");
    }

    @Test
    void shouldReadFromAndWriteIntoFifosAndLeaveThemFifos() throws Exception {
        Path in = mkfifo(workDir.resolve("in.pipe"));
        Path out = mkfifo(workDir.resolve("out.pipe"));
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream fifo = Files.newOutputStream(in)) {
                Files.copy(KnownAnswers.SAMPLE, fifo);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(out);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });

        Result r = runJar("run", "-i", in.toString(), "-o", out.toString(), "--placement", "threads",
                "--workers", "2");

        assertThat(r.exitCode()).as(r.output()).isZero();
        writer.get(10, TimeUnit.SECONDS);
        Path copy = Files.write(workDir.resolve("copy.jsonl"), reader.get(10, TimeUnit.SECONDS));
        assertThat(KnownAnswers.fileSha256(copy)).startsWith(KnownAnswers.ENRICH_FILE_PREFIX);
        for (Path fifo : List.of(in, out)) {
            assertThat(Files.readAttributes(fifo, BasicFileAttributes.class).isOther()).as(fifo + " is a FIFO").isTrue();
        }
        assertThat(workDir.resolve("out/in.pipe.flights-enrich.rejects.tsv")).isEmptyFile();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void shouldPublishNeitherFileAndNameTheCauseWhenOutputCannotBePublished() throws Exception {
        Path out = workDir.resolve("route.jsonl");
        Path rejects = workDir.resolve("route.rejects.tsv");
        Process p = new ProcessBuilder(javaJar("run", "-i", KnownAnswers.SAMPLE.toAbsolutePath().toString(), "-o",
                out.toString(), "-t", "flights-route", "--placement", "threads", "--workers", "1"))
                .directory(workDir.toFile()).redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        // Once the run is writing, the output's name is taken by a directory: the final rename must fail.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (leftovers().isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Files.createDirectories(out.resolve("in-the-way"));

        assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
        String text = output.get(10, TimeUnit.SECONDS);
        assertThat(p.exitValue()).as(text).isEqualTo(1);
        assertThat(text.strip()).startsWith("pipeline-app: ").endsWith("cannot publish " + out + ": Is a directory "
                + "(--verbose shows the stack trace)");
        assertThat(text.strip().lines()).hasSize(1);
        assertThat(rejects).doesNotExist();
        assertThat(out).isDirectory();
        assertThat(leftovers()).isEmpty();
    }
}
