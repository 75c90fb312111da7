package dev.hybridetl.app;

import dev.hybridetl.test.LeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.hybridetl.app.CliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code profile} on real transforms: it classifies them (the recommend line's verdict, never its timings): a
 * transform that sleeps is waiting-bound; flights-route, measured through a real worker JVM, is CPU-bound.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@ExtendWith(LeakCheck.class)
class ProfileCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldRecommendTheEventLoopOrThreadsWhenTheTransformSleeps() throws Exception {
        Path input = dir.resolve("in.csv");
        Files.write(input, Stream.concat(Stream.of("n"), IntStream.range(0, 2_000).mapToObj(i -> "record " + i))
                .toList());

        CliTest.Outcome o = cli("profile", "--input", input.toString(), "--transform", SleepyTransformProvider.ID,
                "--config", "sleepMs=5", "--batch-bytes", "1024", "--sample", "1000");

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(recommendLine(o)).matches("recommend event loop/threads x \\d+: waiting-bound \\(\\d+% of wall "
                + "time waiting\\)");
        assertThat(o.out()).contains("process boundary: not measured (the stage mostly waits");
    }

    @Test
    void shouldCallFlightsRouteCpuBoundAndMeasureTheBoundaryThroughAWorkerProcess() {
        CliTest.Outcome o = cli("profile", "-i", KnownAnswers.SAMPLE.toString(), "-t", "flights-route",
                "--sample", "5000");

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(recommendLine(o)).matches("recommend (threads|processes) x \\d+: CPU-bound, [0-9.]+ µs/record, "
                + "boundary costs \\d+% of the work");
        assertThat(o.out()).contains("stage 'flights-route': ", "  processes  ", "  boundary   ");
    }

    @Test
    void shouldRefuseAMissingInputAndAnUnknownTransformWithOneLine() {
        CliTest.Outcome missing = cli("profile", "-i", dir.resolve("nope.csv").toString());
        assertThat(missing.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(missing.err()).startsWith("pipeline-app: input file not found or not readable: ");

        CliTest.Outcome unknown = cli("profile", "-i", KnownAnswers.SAMPLE.toString(), "-t", "no-such-thing");
        assertThat(unknown.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(unknown.err()).startsWith("pipeline-app: ").contains("no-such-thing").hasLineCount(1);
    }

    private static String recommendLine(CliTest.Outcome o) {
        List<String> lines = o.out().lines().filter(l -> l.startsWith("recommend ")).toList();
        assertThat(lines).as(o.out()).hasSize(1);
        return lines.get(0);
    }
}
