package dev.hybridetl.io;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Reject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class FileSinkTest {
    @TempDir
    Path dir;
    private final TestRuns runs = new TestRuns();

    @AfterEach
    void tearDown() {
        runs.close();
    }

    private static RecordBatch batch(long sequence, long firstPosition, String... records) {
        var builder = RecordBatch.builder(sequence);
        for (int i = 0; i < records.length; i++) {
            builder.add(firstPosition + i, records[i]);
        }
        return builder.build();
    }

    private static Reject reject(long position, String reason, String raw) {
        return new Reject(position, reason, raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldWriteRecordsAndSortedRejectsInBatchOrderWhenRunSucceeds() throws IOException {
        Path out = dir.resolve("deeper/out.jsonl");
        Path rej = dir.resolve("deeper/rejects.txt");
        RecordBatch b0 = batch(0, 2, "a", "", "b").withEarlierRejects(
                List.of(reject(9, "malformed", "z"), reject(5, "unknown_origin", "y"), reject(5, "x2", "w")));
        RecordBatch b1 = batch(1, 12, "c\u00ff");
        RecordBatch b2 = batch(2, 13);

        StepVerifier.create(FileSink.of(out, rej).write(Flux.just(b0, b1, b2), runs.sinkSettings()))
                .expectComplete().verify(TestRuns.TIMEOUT);

        assertThat(TestRuns.read(out)).isEqualTo("a\n\nb\nc\u00ff\n");
        assertThat(TestRuns.read(rej)).isEqualTo("unknown_origin\ty\nx2\tw\nmalformed\tz\n");
        assertThat(TestRuns.tempFiles(out.getParent())).isEmpty();
        assertThat(runs.sinkMetrics.batches()).isEqualTo(3);
        assertThat(runs.sinkMetrics.rejected()).isEqualTo(3);
    }

    @Test
    void shouldWriteEveryFieldOfEachRejectAsAJsonLineAndKeepRawBytesExact() throws IOException {
        Path out = dir.resolve("out.jsonl");
        Path rej = dir.resolve("rej.jsonl");
        long t = java.time.Instant.parse("2025-01-31T12:34:56.789Z").toEpochMilli();
        byte[][] utf8 = {"plain".getBytes(StandardCharsets.UTF_8), "q\"b\\s/\u0000\u0001\u001f\t\u007f".getBytes(StandardCharsets.UTF_8),
                "caf\u00e9 \u20ac \ud83d\ude00 \u2028".getBytes(StandardCharsets.UTF_8), new byte[0]};
        byte[][] notUtf8 = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                {'a', (byte) 0xe2, (byte) 0x82}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xe9}};
        List<Reject> rejects = new java.util.ArrayList<>();
        for (int i = 0; i < utf8.length; i++) {
            rejects.add(new Reject(10 + i, "malformed", utf8[i], "route", 2, t));
        }
        for (int i = 0; i < notUtf8.length; i++) {
            rejects.add(new Reject(20 + i, "record_too_long", notUtf8[i], Reject.SOURCE, 1, t));
        }
        rejects.add(new Reject(30, "odd\"reason", "x".getBytes(StandardCharsets.UTF_8))); // context never filled in

        StepVerifier.create(FileSink.of(out, rej).withRejectsFormat(RejectsFormat.JSONL)
                        .write(Flux.just(batch(0, 1, "a").withEarlierRejects(rejects)), runs.sinkSettings()))
                .expectComplete().verify(TestRuns.TIMEOUT);

        List<String> lines = Files.readAllLines(rej, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(rejects.size());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int i = 0; i < lines.size(); i++) {
            var node = json.readTree(lines.get(i));
            Reject expected = rejects.get(i);
            assertThat(node.get("line").asLong()).isEqualTo(expected.position());
            assertThat(node.get("reason").asText()).isEqualTo(expected.reason());
            byte[] raw = node.has("raw") ? node.get("raw").asText().getBytes(StandardCharsets.UTF_8)
                    : java.util.Base64.getDecoder().decode(node.get("raw_base64").asText());
            assertThat(raw).as("line %d", i).isEqualTo(expected.raw());
            assertThat(node.has("raw")).as("line %d as a string", i).isEqualTo(i < utf8.length || i == lines.size() - 1);
            if (expected.hasContext()) {
                assertThat(node.get("stage").asText()).isEqualTo(expected.stage());
                assertThat(node.get("attempts").asInt()).isEqualTo(expected.attempts());
                assertThat(node.get("time").asText()).isEqualTo("2025-01-31T12:34:56.789Z");
            } else {
                assertThat(node.get("stage").isNull()).isTrue();
                assertThat(node.get("attempts").isNull()).isTrue();
                assertThat(node.get("time").isNull()).isTrue();
            }
        }
        assertThat(lines.get(0)).isEqualTo("{\"line\":10,\"stage\":\"route\",\"reason\":\"malformed\",\"attempts\":2,"
                + "\"time\":\"2025-01-31T12:34:56.789Z\",\"raw\":\"plain\"}");
    }

    @Test
    void shouldPublishEmptyFilesWhenNoBatches() throws IOException {
        Path out = dir.resolve("out.txt");
        Path rej = dir.resolve("rej.txt");

        StepVerifier.create(FileSink.of(out, rej).write(Flux.empty(), runs.sinkSettings()))
                .expectComplete().verify(TestRuns.TIMEOUT);

        assertThat(out).isEmptyFile();
        assertThat(rej).isEmptyFile();
    }

    @Test
    void shouldFailAndLeaveNothingWhenSequenceHasGap() throws IOException {
        Path out = dir.resolve("out.txt");
        Path rej = dir.resolve("rej.txt");

        StepVerifier.create(FileSink.of(out, rej).write(Flux.just(batch(0, 2, "a"), batch(2, 3, "b")),
                        runs.sinkSettings()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("expected batch 1 but received batch 2"))
                .verify(TestRuns.TIMEOUT);

        assertThat(out).doesNotExist();
        assertThat(rej).doesNotExist();
        assertThat(TestRuns.tempFiles(dir)).isEmpty();
    }

    @Test
    void shouldDeleteTempFilesAndKeepOldTargetWhenInputFails() throws IOException {
        Path out = Files.writeString(dir.resolve("out.txt"), "old output\n");
        Path rej = dir.resolve("rej.txt");
        Flux<RecordBatch> failing = Flux.concat(Flux.just(batch(0, 2, "a")),
                Flux.error(new IllegalStateException("boom")));

        StepVerifier.create(FileSink.of(out, rej).write(failing, runs.sinkSettings()))
                .expectErrorMessage("boom").verify(TestRuns.TIMEOUT);

        assertThat(TestRuns.read(out)).isEqualTo("old output\n");
        assertThat(rej).doesNotExist();
        assertThat(TestRuns.tempFiles(dir)).isEmpty();
    }

    @Test
    void shouldDeleteTempFilesWhenCancelled() throws IOException {
        Path out = dir.resolve("out.txt");
        Path rej = dir.resolve("rej.txt");
        Flux<RecordBatch> endless = Flux.concat(Flux.just(batch(0, 2, "a")), Flux.never());

        Disposable run = FileSink.of(out, rej).write(endless, runs.sinkSettings()).subscribe();
        TestRuns.await("temp files created", TestRuns.TIMEOUT, () -> tempCount() == 2);
        TestRuns.await("first batch written", TestRuns.TIMEOUT, () -> runs.sinkMetrics.batches() == 1);
        run.dispose();

        TestRuns.await("temp files deleted", TestRuns.TIMEOUT, () -> tempCount() == 0);
        assertThat(out).doesNotExist();
        assertThat(rej).doesNotExist();
    }

    @Test
    void shouldStreamIntoFifoAndLeaveItAFifoWhenOutputIsNotARegularFile() throws Exception {
        Path fifo = TestRuns.mkfifo(dir.resolve("out.pipe"));
        Path rej = dir.resolve("rej.txt");
        var drained = TestRuns.drain(fifo);

        StepVerifier.create(FileSink.of(fifo, rej).write(Flux.just(batch(0, 2, "a", "b").withEarlierRejects(
                        List.of(reject(4, "malformed", "z"))), batch(1, 5, "c")), runs.sinkSettings()))
                .expectComplete().verify(TestRuns.TIMEOUT);

        assertThat(new String(drained.get(20, TimeUnit.SECONDS), StandardCharsets.ISO_8859_1))
                .isEqualTo("a\nb\nc\n");
        assertThat(Files.readAttributes(fifo, BasicFileAttributes.class).isOther()).isTrue();
        assertThat(TestRuns.read(rej)).isEqualTo("malformed\tz\n");
        assertThat(TestRuns.tempFiles(dir)).isEmpty();
    }

    @Test
    void shouldCallDevicesAndStdoutStreamsAndRegularFilesNot() throws IOException {
        assertThat(FileSink.isStream(Path.of("/dev/null"))).isTrue();
        assertThat(FileSink.isStream(Path.of("/dev/stdout"))).isTrue();
        assertThat(FileSink.isStream(dir.resolve("new.jsonl"))).isFalse();
        assertThat(FileSink.isStream(Files.writeString(dir.resolve("old.jsonl"), "x"))).isFalse();
        assertThat(FileSink.isStream(dir)).isFalse();
    }

    @Test
    void shouldReplaceLinkedFileAndKeepLinkWhenOutputIsASymbolicLink() throws IOException {
        Path real = Files.writeString(Files.createDirectories(dir.resolve("real")).resolve("out.txt"), "old\n");
        Path link = Files.createSymbolicLink(dir.resolve("out.txt"), real);

        StepVerifier.create(FileSink.of(link, dir.resolve("rej.txt")).write(Flux.just(batch(0, 2, "new")),
                        runs.sinkSettings()))
                .expectComplete().verify(TestRuns.TIMEOUT);

        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(TestRuns.read(real)).isEqualTo("new\n");
        assertThat(TestRuns.tempFiles(real.getParent())).isEmpty();
    }

    @Test
    void shouldPublishNeitherFileAndNameTheCauseWhenOutputCannotBePublished() throws IOException {
        Path out = dir.resolve("out.txt");
        Path rej = Files.writeString(dir.resolve("rej.txt"), "old rejects\n");
        Flux<RecordBatch> batches = thenTakeName(out,
                batch(0, 2, "a").withEarlierRejects(List.of(reject(3, "malformed", "z"))));

        StepVerifier.create(FileSink.of(out, rej).write(batches, runs.sinkSettings()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IOException.class)
                        .hasMessage("cannot publish " + out + ": Is a directory"))
                .verify(TestRuns.TIMEOUT);

        assertThat(TestRuns.read(rej)).isEqualTo("old rejects\n");
        assertThat(out).isDirectory();
        assertThat(TestRuns.tempFiles(dir)).isEmpty();
    }

    @Test
    void shouldRemoveNewRejectsWhenOutputCannotBePublishedAndThereWereNoneBefore() throws IOException {
        Path out = dir.resolve("out.txt");
        Path rej = dir.resolve("sub/rej.txt");
        Flux<RecordBatch> batches = thenTakeName(out, batch(0, 2, "a"));

        StepVerifier.create(FileSink.of(out, rej).write(batches, runs.sinkSettings()))
                .expectErrorMessage("cannot publish " + out + ": Is a directory")
                .verify(TestRuns.TIMEOUT);

        assertThat(rej).doesNotExist();
        assertThat(TestRuns.tempFiles(dir)).isEmpty();
        assertThat(TestRuns.tempFiles(rej.getParent())).isEmpty();
    }

    /** The batch, then (while the sink still writes) a directory takes {@code target}'s name: its rename must fail. */
    private static Flux<RecordBatch> thenTakeName(Path target, RecordBatch batch) {
        return Flux.concat(Flux.just(batch),
                Mono.fromCallable(() -> Files.createDirectories(target.resolve("inside"))).then(Mono.empty()));
    }

    private int tempCount() {
        try {
            return TestRuns.tempFiles(dir).size();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
