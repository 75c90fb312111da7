package com.example.sales;

import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.Placement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job on both placements against the known answer that ../tools/known_answer.py wrote into expected/. */
class SalesKnownAnswerTest {
    private static final Path INPUT = Path.of("data/sales.csv");
    private static final Path EXPECTED = Path.of("expected");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Placement.class)
    void shouldMatchTheKnownAnswer(Placement placement) throws Exception {
        Properties expected = new Properties();
        try (Reader r = Files.newBufferedReader(EXPECTED.resolve("known-answer.properties"))) {
            expected.load(r);
        }

        PipelineResult result = Main.pipeline(INPUT, dir, placement, 2).run();

        assertEquals(Long.parseLong(expected.getProperty("records_in")), result.recordsIn(), "records in");
        assertEquals(Long.parseLong(expected.getProperty("records_out")), result.recordsOut(), "records out");
        assertEquals(Long.parseLong(expected.getProperty("records_rejected")), result.recordsRejected(), "rejected");
        assertArrayEquals(Files.readAllBytes(EXPECTED.resolve("rejects.tsv")), Files.readAllBytes(dir.resolve("rejects.tsv")),
                "rejects.tsv");
        assertEquals(expected.getProperty("output_sha256"), sha256(dir.resolve("sales.jsonl")), "SHA-256 of sales.jsonl");
        assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
                "worker processes left");
    }

    @Test
    void shouldFailTheRunWhenTheHeaderIsNotTheExpectedOne() throws IOException {
        Path input = Files.writeString(dir.resolve("other.csv"), "id,when,amount\n1,2025-01-01,3\n");

        PipelineException e = assertThrows(PipelineException.class,
                () -> Main.pipeline(input, dir.resolve("out"), Placement.THREADS, 1).run());

        assertTrue(String.valueOf(e.getMessage()).contains("expected the header") || causeMentionsHeader(e),
                () -> "message: " + e);
    }

    private static boolean causeMentionsHeader(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("expected the header")) {
                return true;
            }
        }
        return false;
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
