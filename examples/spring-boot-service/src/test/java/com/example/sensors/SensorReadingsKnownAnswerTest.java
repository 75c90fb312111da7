package com.example.sensors;

import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.Placement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The transform against the known answer that ../tools/known_answer.py wrote into expected/, on threads and
 * without Spring: a quick check of the job before the jar is built. examples/run.sh checks the same answer from
 * the executable jar, on worker processes.
 */
class SensorReadingsKnownAnswerTest {
    @TempDir
    Path out;

    @Test
    void shouldMatchTheKnownAnswerOnThreads() throws Exception {
        Properties known = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("expected/known-answer.properties"))) {
            known.load(in);
        }

        PipelineResult r = SensorJobRunner.pipeline(Path.of("data/sensors.csv"), out, Placement.THREADS, 2).run();

        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(out.resolve("readings.jsonl"))));
        assertEquals(known.getProperty("output_sha256"), sha, "SHA-256 of readings.jsonl");
        assertArrayEquals(Files.readAllBytes(Path.of("expected/rejects.tsv")),
                Files.readAllBytes(out.resolve("rejects.tsv")), "rejects.tsv");
        assertEquals(known.getProperty("records_in") + " in, " + known.getProperty("records_out") + " out, "
                        + known.getProperty("records_rejected") + " rejected",
                r.recordsIn() + " in, " + r.recordsOut() + " out, " + r.recordsRejected() + " rejected");
    }
}
