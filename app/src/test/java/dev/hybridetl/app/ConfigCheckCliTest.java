package dev.hybridetl.app;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * A transform's configuration is checked before the run starts: an unknown key or an unusable airports file is a
 * user's mistake, exit 2 with one line, and no worker process is ever launched (the queue directory the process
 * placement would create first is never made, and the command returns in well under a second).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfigCheckCliTest {
    private static final String HEADER = "date,delay,distance,origin,destination\n";

    @TempDir
    Path dir;

    @BeforeAll
    static void loadTheClassesOnce(@TempDir Path scratch) {
        CliTest.cli("run", "-i", "../samples/flights-edge-cases.csv", "-o", scratch.resolve("o.jsonl").toString(),
                "--config", "warm=up");
    }

    /** Runs on worker processes with a queue directory that only a started process stage would create. */
    private CliTest.Outcome runOnProcesses(String... config) throws IOException {
        Path in = Files.writeString(dir.resolve("in.csv"), HEADER + "2001-01-01T00:01,5,69,AAA,BBB\n");
        String[] args = {"run", "-i", in.toString(), "-o", dir.resolve("out.jsonl").toString(), "--placement",
                "processes", "--workers", "2", "--queue-dir", dir.resolve("queues").toString(), "--keep-queues"};
        String[] all = java.util.Arrays.copyOf(args, args.length + config.length * 2);
        for (int i = 0; i < config.length; i++) {
            all[args.length + 2 * i] = "--config";
            all[args.length + 2 * i + 1] = config[i];
        }
        long start = System.nanoTime();
        CliTest.Outcome o = CliTest.cli(all);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(o.exitCode()).as(o.err()).isEqualTo(2);
        assertThat(o.err().lines()).as(o.err()).hasSize(1);
        assertThat(o.err()).doesNotContain("\tat ", "Exception");
        assertThat(dir.resolve("queues")).as("no process stage was started").doesNotExist();
        assertThat(dir.resolve("out.jsonl")).doesNotExist();
        assertThat(millis).as("refused before any worker JVM starts").isLessThan(1000);
        return o;
    }

    @Test
    void shouldSuggestTheKnownKeyWhenConfigKeyIsMisspelt() throws IOException {
        CliTest.Outcome o = runOnProcesses("airport=x.csv");

        assertThat(o.err().strip()).isEqualTo("pipeline-app: unknown config key 'airport' for transform "
                + "'flights-enrich'; did you mean 'airports'? known keys: airports");
    }

    @Test
    void shouldSuggestTheKnownTransformWhenIdIsMisspelt() {
        CliTest.Outcome o = CliTest.cli("run", "-i", "../samples/flights-edge-cases.csv", "-o",
                dir.resolve("o.jsonl").toString(), "-t", "flights-rout");

        assertThat(o.exitCode()).isEqualTo(2);
        // One line; the test class path also holds the test kit's own transforms (test-kit-*), listed after ours.
        assertThat(o.err().strip()).doesNotContain("\n").startsWith("pipeline-app: unknown transform 'flights-rout';"
                + " did you mean 'flights-route'? known transforms: flights-enrich, flights-route");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = ';', value = {
            "-; is empty (it needs a header line: iata,latitude,longitude)",
            "iata,latitude,longitude|; has no airport rows, only a header",
            "name,latitude,longitude|Home,1,2|; has no 'iata' column (header: [name, latitude, longitude])",
            "iata,latitude,longitude|AAA,1,2|BBB,north,2|; line 3: bad latitude for 'BBB': 'north' is not a number",
            "iata,latitude,longitude|AAA,1,2|BBB,1,2|AAA,1,2|; line 4: duplicate iata code 'AAA'"})
    void shouldExit2WithOneLineBeforeAnyWorkerWhenAirportsFileIsBad(String content, String problem)
            throws IOException {
        Path airports = Files.writeString(dir.resolve("airports.csv"),
                content.equals("-") ? "" : content.replace('|', '\n'), StandardCharsets.ISO_8859_1);

        CliTest.Outcome o = runOnProcesses("airports=" + airports);

        assertThat(o.err().strip()).isEqualTo("pipeline-app: transform 'flights-enrich': airports file " + airports
                + " " + problem);
    }

    @Test
    void shouldExit2BeforeAnyWorkerWhenAirportsFileIsMissingOrADirectory() throws IOException {
        Path missing = dir.resolve("missing-airports.csv");
        assertThat(runOnProcesses("airports=" + missing).err().strip())
                .isEqualTo("pipeline-app: transform 'flights-enrich': airports file not found: " + missing);

        Path directory = Files.createDirectory(dir.resolve("airports.d"));
        assertThat(runOnProcesses("airports=" + directory).err().strip()).isEqualTo(
                "pipeline-app: transform 'flights-enrich': airports file is a directory, not a file: " + directory);
    }

    @Test
    void shouldExit2BeforeAnyWorkerWhenAirportsFileIsNotReadable() throws IOException {
        Path locked = Files.writeString(dir.resolve("locked.csv"), "iata,latitude,longitude\nAAA,1,2\n");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(locked), "running as root: every file is readable");

        assertThat(runOnProcesses("airports=" + locked).err().strip())
                .isEqualTo("pipeline-app: transform 'flights-enrich': airports file is not readable: " + locked);
    }

    @Test
    void shouldUseACustomAirportsFileOnWorkerProcessesWhenItIsValid() throws IOException {
        Path airports = Files.writeString(dir.resolve("airports.csv"),
                "name,iata,latitude,longitude\n\"Home, sweet \"\"home\"\"\",AAA,0,0\nAway,BBB,0,1\n");
        Path in = Files.writeString(dir.resolve("in.csv"), HEADER
                + "2001-01-01T00:01,5,69,AAA,BBB\n2001-01-01T00:02,-3,10,AAA,LAS\n2001-01-01T00:03,90,69,BBB,AAA\n");
        Path out = dir.resolve("out.jsonl");

        CliTest.Outcome o = CliTest.cli("run", "-i", in.toString(), "-o", out.toString(), "--placement", "processes",
                "--workers", "1", "--config", "airports=" + airports);

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(Files.readString(out)).isEqualTo(
                "{\"date\":\"2001-01-01T00:01\",\"origin\":\"AAA\",\"destination\":\"BBB\",\"delay\":5,"
                        + "\"delay_class\":\"on_time\",\"distance\":69,\"gc_distance\":69.1,\"distance_error\":-0.1}\n"
                        + "{\"date\":\"2001-01-01T00:03\",\"origin\":\"BBB\",\"destination\":\"AAA\",\"delay\":90,"
                        + "\"delay_class\":\"severe\",\"distance\":69,\"gc_distance\":69.1,\"distance_error\":-0.1}\n");
        assertThat(Files.readString(dir.resolve("out.rejects.tsv")))
                .isEqualTo("unknown_destination\t2001-01-01T00:02,-3,10,AAA,LAS\n");
        assertThat(o.out()).contains("in 3 | out 2 | rejected 1", "worker 0");
    }
}
