package dev.hybridetl.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's contract: exit codes and one-line messages for each kind of bad input. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliTest {
    @TempDir
    Path dir;

    record Outcome(int exitCode, String out, String err) {
    }

    static Outcome cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void shouldExplainEveryOptionWithExampleWhenAskedForHelp() {
        Outcome o = cli("run", "--help");

        assertThat(o.exitCode()).isZero();
        assertThat(o.out()).contains("--input", "--output", "--rejects", "--rejects-format", "--transform", "--config",
                "--placement", "--workers", "--queue-dir", "--keep-queues", "--resume", "--restart", "--keep-progress",
                "--checkpoint-every", "--verbose", "Examples:", "Exit codes");
    }

    @Test
    void shouldPrintOneLineAndExit2WhenInputIsMissing() {
        Outcome o = cli("run", "--input", dir.resolve("nope.csv").toString(), "--output",
                dir.resolve("o.jsonl").toString());

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err().strip()).isEqualTo("pipeline-app: input file not found: " + dir.resolve("nope.csv"));
        assertThat(o.err()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void shouldExit2WhenInputIsADirectory() {
        Outcome o = cli("run", "--input", dir.toString(), "--output", dir.resolve("o.jsonl").toString());

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).contains("input is a directory");
    }

    @Test
    void shouldListKnownTransformsWhenTransformIsUnknown() throws IOException {
        Path in = Files.writeString(dir.resolve("in.csv"), "h\nx\n");
        Outcome o = cli("run", "-i", in.toString(), "-o", dir.resolve("o.jsonl").toString(), "-t", "nope");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).contains("unknown transform 'nope'", "flights-enrich", "flights-route");
        assertThat(o.err().lines().count()).isEqualTo(1);
    }

    @Test
    void shouldExit2WithOneLineWhenOptionIsBad() {
        assertThat(cli("run", "--no-such-option").exitCode()).isEqualTo(2);
        Outcome workers = cli("run", "--workers", "0");
        assertThat(workers.exitCode()).isEqualTo(2);
        assertThat(workers.err()).contains("workers must be between 1 and");
        Outcome placement = cli("run", "--placement", "gpu");
        assertThat(placement.exitCode()).isEqualTo(2);
        assertThat(placement.err().strip()).isEqualTo("pipeline-app: unknown placement 'gpu'; use 'threads' or 'processes'");
        Outcome notANumber = cli("run", "--workers", "two");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.err().lines().count()).isEqualTo(1);
    }

    @Test
    void shouldExit2WithOneLineAndLeaveNoOutputWhenTheQueueDirIsAFile() throws IOException {
        Path in = Files.writeString(dir.resolve("in.csv"), "date,delay,distance,origin,destination\n");
        Path notADir = Files.writeString(dir.resolve("queues"), "");
        Path out = dir.resolve("o.jsonl");
        Outcome o = cli("run", "-i", in.toString(), "-o", out.toString(), "--queue-dir", notADir.toString());

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err().strip()).isEqualTo("pipeline-app: --queue-dir " + notADir + " is not a directory");
        assertThat(out).doesNotExist();
    }

    @Test
    void shouldExit2AndLeaveNoOutputWhenTransformConfigIsBad() throws IOException {
        Path in = Files.writeString(dir.resolve("in.csv"), "date,delay,distance,origin,destination\n");
        Path out = dir.resolve("o.jsonl");
        Outcome o = cli("run", "-i", in.toString(), "-o", out.toString(), "--config",
                "airports=" + dir.resolve("missing-airports.csv"));

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).contains("missing-airports.csv").doesNotContain("\tat ");
        assertThat(out).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("in.csv");
        }
    }

    @Test
    void shouldRefuseOutputThatWouldOverwriteInput() throws IOException {
        Path in = Files.writeString(dir.resolve("in.csv"), "h\n");
        Outcome o = cli("run", "-i", in.toString(), "-o", in.toString());

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).contains("overwrite the input");
    }

    @Test
    void shouldExit2WithOneLineWhenResumeOptionsAreBad() throws IOException {
        Path in = Files.writeString(dir.resolve("in.csv"), "h\nx\n");
        Outcome both = cli("run", "-i", in.toString(), "-o", dir.resolve("o.jsonl").toString(), "--resume", "--restart");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err().strip()).isEqualTo("pipeline-app: --resume and --restart exclude each other");

        Outcome interval = cli("run", "-i", in.toString(), "-o", dir.resolve("o.jsonl").toString(),
                "--checkpoint-every", "0");
        assertThat(interval.exitCode()).isEqualTo(2);
        assertThat(interval.err().strip()).isEqualTo("pipeline-app: --checkpoint-every must be between 0 and 86400 "
                + "seconds, was 0.0");

        Outcome nothing = cli("run", "-i", in.toString(), "-o", dir.resolve("o.jsonl").toString(), "--resume");
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(nothing.err().strip()).isEqualTo("pipeline-app: nothing to resume: there is no checkpoint of an "
                + "earlier run beside " + dir.resolve("o.jsonl") + " (run without --resume to start)");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("in.csv");
        }
    }

    @Test
    void shouldListTransformsWithTheirConfigKeys() {
        Outcome o = cli("transforms");

        assertThat(o.exitCode()).isZero();
        assertThat(o.out()).contains("flights-enrich", "flights-route", "airports=");
    }
}
