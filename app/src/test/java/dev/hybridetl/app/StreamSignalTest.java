package dev.hybridetl.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pipeline-app run --source tcp|follow} in a child JVM running {@link Main}, stopped the way an operator
 * stops it: SIGTERM ({@link Process#destroy()}) mid-stream drains the run: everything read is committed, in order,
 * once, and the command exits 0.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StreamSignalTest {
    private static final Pattern RECORDS_IN = Pattern.compile("records\\s+in ([\\d,]+)");

    @TempDir
    Path dir;

    private record Exit(int code, String stdout, String stderr) {
    }

    private int started;

    private Process startMain(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx256m", Main.class.getName()));
        cmd.addAll(List.of(args));
        started++;
        return new ProcessBuilder(cmd).redirectOutput(dir.resolve("stdout-" + started + ".txt").toFile())
                .redirectError(dir.resolve("stderr-" + started + ".txt").toFile()).start();
    }

    /** Sends SIGTERM to the last process started, waits for it and reads what it printed. */
    private Exit terminate(Process p) throws Exception {
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the drained run exits").isTrue();
        return new Exit(p.exitValue(), Files.readString(dir.resolve("stdout-" + started + ".txt")),
                Files.readString(dir.resolve("stderr-" + started + ".txt")));
    }

    private static long recordsIn(String summary) {
        Matcher m = RECORDS_IN.matcher(summary);
        assertThat(m.find()).as("summary: " + summary).isTrue();
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    @Test
    void shouldCommitEverythingReadAndExitZeroWhenSigtermArrivesMidStream() throws Exception {
        long lines = 3_000_000;
        Path out = dir.resolve("parts");
        try (StreamProducer producer = new StreamProducer(lines, null)) {
            Process app = startMain("run", "--source", "tcp", "--input", producer.address(), "--output",
                    out.toString(), "--transform", "test-kit-upper", "--config", "delayMs=20", "--placement",
                    "threads", "--workers", "2", "--batch-bytes", "65536", "--roll-every", "200ms",
                    "--progress-every", "1s");
            StreamRunTest.awaitCondition(() -> Files.isDirectory(out) && partCount(out) >= 2, "two committed parts");
            Exit exit = terminate(app);

            assertThat(exit.code()).as(exit.stderr()).isZero();
            assertThat(exit.stderr()).contains("SIGTERM: draining");
            long read = recordsIn(exit.stdout());
            assertThat(producer.linesWritten()).as("SIGTERM came mid-stream").isLessThan(lines);
            assertThat(read).isPositive().isLessThan(lines);
            assertThat(StreamParts.lines(out)).isEqualTo(StreamParts.upperCasedProducerLines(read));
            assertThat(StreamParts.others(out)).isEmpty();
        }
    }

    @Test
    void shouldContinueAFollowedFileFromItsPositionFileAfterASigterm() throws Exception {
        Path log = dir.resolve("app.csv");
        Path out = dir.resolve("parts");
        Path position = dir.resolve("app.position");
        Files.writeString(log, StreamProducer.HEADER + "\n");
        StreamRunTest.append(log, new ArrayList<>(), 1, 5_000);
        String[] args = {"run", "--source", "follow", "--input", log.toString(), "--output", out.toString(),
                "--transform", "test-kit-upper", "--placement", "threads", "--workers", "1", "--roll-every", "200ms",
                "--position-file", position.toString()};

        Process first = startMain(args);
        StreamRunTest.awaitCondition(() -> Files.isDirectory(out) && linesIn(out) >= 5_000, "the first 5,000 lines");
        Exit firstExit = terminate(first);
        assertThat(firstExit.code()).as(firstExit.stderr()).isZero();
        assertThat(position).exists();

        StreamRunTest.append(log, new ArrayList<>(), 5_001, 7_000);
        Process second = startMain(args);
        StreamRunTest.awaitCondition(() -> linesIn(out) >= 7_000, "the lines appended in between");
        Exit secondExit = terminate(second);
        assertThat(secondExit.code()).as(secondExit.stderr()).isZero();
        assertThat(recordsIn(secondExit.stdout())).isEqualTo(2_000);
        assertThat(StreamParts.lines(out)).isEqualTo(StreamParts.upperCasedProducerLines(7_000));
    }

    private static int partCount(Path out) {
        try {
            return StreamParts.parts(out).size();
        } catch (IOException e) {
            return 0;
        }
    }

    private static int linesIn(Path out) {
        try {
            return Files.isDirectory(out) ? StreamParts.lines(out).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

}
