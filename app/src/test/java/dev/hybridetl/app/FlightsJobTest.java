package dev.hybridetl.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hybridetl.test.LeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The flights jobs through the command-line entry point: known answers, rejects, summary. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ExtendWith(LeakCheck.class)
class FlightsJobTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
            "flights-enrich, threads,   " + KnownAnswers.ENRICH_SORTED + ", " + KnownAnswers.ENRICH_FILE_PREFIX,
            "flights-route,  threads,   " + KnownAnswers.ROUTE_SORTED + ", " + KnownAnswers.ROUTE_FILE_PREFIX,
            "flights-enrich, processes, " + KnownAnswers.ENRICH_SORTED + ", " + KnownAnswers.ENRICH_FILE_PREFIX,
            "flights-route,  processes, " + KnownAnswers.ROUTE_SORTED + ", " + KnownAnswers.ROUTE_FILE_PREFIX})
    void shouldMatchKnownAnswersWhenRunFromCommandLine(String transform, String placement, String sorted,
                                                       String filePrefix) throws IOException {
        Path out = dir.resolve("out.jsonl");
        Path rejects = dir.resolve("rejects.tsv");

        CliTest.Outcome o = CliTest.cli("run", "-i", KnownAnswers.SAMPLE.toString(), "-o", out.toString(),
                "--rejects", rejects.toString(), "-t", transform, "--placement", placement, "--workers", "2");

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(KnownAnswers.sortedSha256(out)).isEqualTo(sorted);
        assertThat(KnownAnswers.fileSha256(out)).startsWith(filePrefix);
        assertThat(KnownAnswers.lineCount(out)).isEqualTo(200_000);
        assertThat(rejects).isEmptyFile();
        assertThat(o.out()).contains("in 200,000 | out 200,000 | rejected 0", transform, "worker 1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"flights-enrich", "flights-route"})
    void shouldWriteIdenticalBytesWhetherOnThreadsOrProcesses(String transform) throws IOException {
        Path[] outputs = new Path[2];
        String[] placements = {"threads", "processes"};
        for (int i = 0; i < 2; i++) {
            outputs[i] = dir.resolve(placements[i] + ".jsonl");
            CliTest.Outcome o = CliTest.cli("run", "-i", KnownAnswers.EDGE_CASES.toString(), "-o",
                    outputs[i].toString(), "-t", transform, "--placement", placements[i], "--workers", "2",
                    "--batch-bytes", "100");
            assertThat(o.exitCode()).as(o.err()).isZero();
        }
        assertThat(Files.readAllBytes(outputs[1])).isEqualTo(Files.readAllBytes(outputs[0]));
        assertThat(Files.readAllBytes(dir.resolve("processes.rejects.tsv")))
                .isEqualTo(Files.readAllBytes(dir.resolve("threads.rejects.tsv")));
    }

    @Test
    void shouldWriteEveryRejectWithReasonAndRawRowWhenInputHasBadRows() throws IOException {
        Path out = dir.resolve("edge.jsonl");
        Path rejects = dir.resolve("edge.rejects.tsv");

        CliTest.Outcome o = CliTest.cli("run", "-i", KnownAnswers.EDGE_CASES.toString(), "-o", out.toString(),
                "--rejects", rejects.toString(), "-t", "flights-route", "--workers", "2", "--batch-bytes", "64");

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(Path.of("../samples/flights-edge-cases.route.jsonl")));
        assertThat(Files.readAllBytes(rejects))
                .isEqualTo(Files.readAllBytes(Path.of("../samples/flights-edge-cases.rejects.tsv")));
        long in = Files.readAllLines(KnownAnswers.EDGE_CASES, java.nio.charset.StandardCharsets.ISO_8859_1).size() - 1;
        long outLines = KnownAnswers.lineCount(out);
        long rejectLines = KnownAnswers.lineCount(rejects);
        assertThat(outLines + rejectLines).isEqualTo(in);
        assertThat(Files.readString(rejects)).contains("malformed\t", "unknown_both\t", "unknown_origin\t",
                "unknown_destination\t");
        assertThat(o.out()).contains("rejected " + rejectLines);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"threads", "processes"})
    void shouldWriteSameRejectsWithFullContextWhenRejectsFormatIsJsonl(String placement) throws IOException {
        Path tsv = dir.resolve("edge.rejects.tsv");
        CliTest.Outcome t = CliTest.cli("run", "-i", KnownAnswers.EDGE_CASES.toString(), "-o",
                dir.resolve("edge.jsonl").toString(), "-t", "flights-route", "--workers", "2", "--batch-bytes", "64",
                "--placement", placement);
        long before = System.currentTimeMillis();
        CliTest.Outcome j = CliTest.cli("run", "-i", KnownAnswers.EDGE_CASES.toString(), "-o",
                dir.resolve("edge-j.jsonl").toString(), "-t", "flights-route", "--workers", "2", "--batch-bytes",
                "64", "--placement", placement, "--rejects-format", "jsonl");
        long after = System.currentTimeMillis();

        assertThat(t.exitCode()).as(t.err()).isZero();
        assertThat(j.exitCode()).as(j.err()).isZero();
        Path jsonl = dir.resolve("edge-j.rejects.jsonl");
        assertThat(j.out()).contains("rejects   " + jsonl);
        // The input's lines as BufferedReader splits them (LF, CRLF, lone CR): line N of the file is lines[N - 1].
        List<String> input = new java.io.BufferedReader(new java.io.StringReader(
                Files.readString(KnownAnswers.EDGE_CASES, StandardCharsets.ISO_8859_1))).lines().toList();
        List<String> tsvLines = Files.readAllLines(tsv, StandardCharsets.ISO_8859_1);
        List<String> jsonLines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
        assertThat(jsonLines).hasSize(tsvLines.size()).hasSize(20);
        ObjectMapper json = new ObjectMapper();
        long previousLine = 0;
        for (int i = 0; i < jsonLines.size(); i++) {
            JsonNode r = json.readTree(jsonLines.get(i));
            String[] reasonAndRaw = tsvLines.get(i).split("\t", 2);
            assertThat(r.get("reason").asText()).isEqualTo(reasonAndRaw[0]);
            // The edge cases are ASCII, so raw is a JSON string; its UTF-8 bytes are the TSV's raw bytes.
            assertThat(r.get("raw").asText().getBytes(StandardCharsets.UTF_8))
                    .isEqualTo(reasonAndRaw[1].getBytes(StandardCharsets.ISO_8859_1));
            long line = r.get("line").asLong();
            assertThat(line).isGreaterThan(previousLine);
            assertThat(input.get((int) line - 1)).as("line %d of the input", line).isEqualTo(reasonAndRaw[1]);
            previousLine = line;
            assertThat(r.get("stage").asText()).isEqualTo("flights-route");
            assertThat(r.get("attempts").asInt()).isEqualTo(1);
            long time = java.time.Instant.parse(r.get("time").asText()).toEpochMilli();
            assertThat(time).isBetween(before, after);
            assertThat(r.get("time").asText()).endsWith("Z");
        }
    }

    @Test
    void shouldNameTheSourceAsStageWhenRecordIsTooLongInJsonl() throws IOException {
        String header = "date,delay,distance,origin,destination\n";
        Path in = Files.writeString(dir.resolve("long.csv"), header + "x".repeat(5000) + "\n");

        CliTest.Outcome o = CliTest.cli("run", "-i", in.toString(), "-o", dir.resolve("long.jsonl").toString(),
                "--max-record-bytes", "1000", "--workers", "1", "--placement", "threads", "--rejects-format", "jsonl");

        assertThat(o.exitCode()).as(o.err()).isZero();
        JsonNode r = new ObjectMapper().readTree(Files.readString(dir.resolve("long.rejects.jsonl")));
        assertThat(r.get("stage").asText()).isEqualTo("source");
        assertThat(r.get("reason").asText()).isEqualTo("record_too_long");
        assertThat(r.get("line").asLong()).isEqualTo(2);
        assertThat(r.get("raw").asText()).isEqualTo("x".repeat(1000));
    }

    @Test
    void shouldExit2WithOneLineWhenRejectsFormatIsUnknown() {
        CliTest.Outcome o = CliTest.cli("run", "--rejects-format", "xml");

        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err().strip()).isEqualTo("pipeline-app: unknown rejects format 'xml'; use 'tsv' or 'jsonl'");
    }

    @Test
    void shouldRejectOverlongRecordAndKeepGoing() throws IOException {
        String header = "date,delay,distance,origin,destination\n";
        String good = "2001-01-01T00:01,33,2176,LAS,PHL\n";
        Path in = Files.writeString(dir.resolve("long.csv"), header + good + "x".repeat(5000) + "\n" + good);
        Path out = dir.resolve("long.jsonl");
        Path rejects = dir.resolve("long.rejects.tsv");

        CliTest.Outcome o = CliTest.cli("run", "-i", in.toString(), "-o", out.toString(), "--rejects",
                rejects.toString(), "--max-record-bytes", "1000", "--workers", "1");

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(KnownAnswers.lineCount(out)).isEqualTo(2);
        assertThat(Files.readString(rejects)).startsWith("record_too_long\txxx");
        assertThat(o.out()).contains("in 3 | out 2 | rejected 1");
    }
}
