package dev.hybridetl.io;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.SourceReader;
import dev.hybridetl.io.internal.Checkpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checkpoints and resumes with the real source and sink: a run fails after k batches with its progress kept, the
 * next resumes it, and what it writes is byte for byte what one uninterrupted run writes; the resumed source's
 * batches are the uninterrupted source's, numbers, positions and cuts included.
 */
class ResumeTest {
    private static final Map<String, String> JOB = Map.of("transform", "identity");
    /** A checkpoint at every batch end (the writes are tiny, so this is fast enough here). */
    private static final DurableRun.Options EVERY_BATCH = DurableRun.Options.defaults()
            .withCheckpointEvery(Duration.ofNanos(1)).withKeepProgress(true);

    @TempDir
    Path dir;
    private final TestRuns runs = new TestRuns();

    @AfterEach
    void tearDown() {
        runs.close();
    }

    /** CRLF and lone CR endings (a CR that ends a chunk at a batch end is the tricky case), long lines, no final LF. */
    static String awkward() {
        StringBuilder text = new StringBuilder("h1,h2\r\n");
        for (int i = 0; i < 300; i++) {
            text.append("r").append(i).append(i % 17 == 0 ? "y".repeat(40) : "").append(switch (i % 4) {
                case 0 -> "\r\n";
                case 1 -> "\r";
                case 2 -> "\n";
                default -> "\r\n\r\n"; // and an empty record
            });
        }
        return text.append("last").toString();
    }

    static Stream<Arguments> inputs() {
        return Stream.of(Arguments.of(false, 1), Arguments.of(false, 7), Arguments.of(false, 64),
                Arguments.of(true, 5), Arguments.of(true, 4096));
    }

    @ParameterizedTest(name = "gzip {0}, chunk {1}")
    @MethodSource("inputs")
    void shouldWriteExactlyTheUninterruptedBytesWhenResumedAfterAFailureAtAnyBatch(boolean gzip, int chunk)
            throws IOException {
        String text = awkward();
        Path in = gzip ? TestRuns.writeGzip(dir.resolve("in.csv.gz"), text) : TestRuns.write(dir.resolve("in.csv"), text);
        var settings = runs.sourceSettings(40, 30); // small batches; lines over 30 bytes become rejects
        Path refOut = dir.resolve("ref/out.txt");
        runs.copy(FileSource.of(in).withChunkBytes(chunk), FileSink.of(refOut, dir.resolve("ref/rej.tsv")), settings)
                .block(TestRuns.TIMEOUT);
        List<RecordBatch> all = runs.readAll(FileSource.of(in).withChunkBytes(chunk), settings).batches();
        assertThat(all).hasSizeGreaterThan(20);

        int afterCr = 0;
        for (int failAfter = 0; failAfter <= all.size(); failAfter += 3) {
            Path out = dir.resolve("k" + failAfter + "/out.txt");
            Path rej = dir.resolve("k" + failAfter + "/rej.tsv");
            int k = failAfter;
            try (DurableRun first = DurableRun.open(in, out, rej, JOB, DurableRun.Start.FRESH, EVERY_BATCH)) {
                assertThatThrownBy(() -> runs.copy(FileSource.of(in).withChunkBytes(chunk).withCheckpoints(first),
                        FileSink.of(out, rej).withCheckpoints(first), settings,
                        b -> b.take(k).concatWith(Flux.error(new IllegalStateException("dies after " + k))))
                        .block(TestRuns.TIMEOUT)).hasMessageContaining("dies after");
            }
            assertThat(out).doesNotExist();
            Checkpoint checkpoint = Checkpoint.read(Checkpoint.fileOf(out));
            assertThat(checkpoint.next().line()).as("progress was kept").isGreaterThan(k >= 3 ? 2 : 1);
            afterCr += checkpoint.next().pendingCr() ? 1 : 0;

            try (DurableRun second = DurableRun.open(in, out, rej, JOB, DurableRun.Start.RESUME, EVERY_BATCH)) {
                long line = second.resumed().orElseThrow().line();
                assertResumedSourceContinuesTheUninterruptedOne(in, chunk, settings, second, all, line);
                runs.copy(FileSource.of(in).withChunkBytes(chunk).withCheckpoints(second),
                        FileSink.of(out, rej).withCheckpoints(second), settings).block(TestRuns.TIMEOUT);
            }
            assertThat(Files.readAllBytes(out)).as("output after a failure after %d batches", k)
                    .isEqualTo(Files.readAllBytes(refOut));
            assertThat(Files.readAllBytes(rej)).isEqualTo(Files.readAllBytes(dir.resolve("ref/rej.tsv")));
            try (Stream<Path> left = Files.list(out.getParent())) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("out.txt", "rej.tsv");
            }
        }
        if (chunk == 1) {
            assertThat(afterCr).as("resumes right after a CR that ended a chunk").isPositive();
        }
    }

    /** The batches after the resume point are the uninterrupted run's: same numbers, positions, bytes, rejects. */
    private void assertResumedSourceContinuesTheUninterruptedOne(Path in, int chunk,
                                                                 dev.hybridetl.api.SourceSettings settings,
                                                                 DurableRun run, List<RecordBatch> all, long line) {
        int from = 0;
        while (from < all.size() && firstLine(all.get(from)) < line) {
            from++;
        }
        SourceReader reader = FileSource.of(in).withChunkBytes(chunk).withCheckpoints(run).open(settings)
                .block(TestRuns.TIMEOUT);
        List<RecordBatch> rest;
        try {
            assertThat(reader.header()).isEqualTo("h1,h2");
            rest = reader.batches().collectList().block(TestRuns.TIMEOUT);
        } finally {
            reader.close();
        }
        assertThat(describe(rest)).isEqualTo(describe(all.subList(from, all.size())));
    }

    private static long firstLine(RecordBatch b) {
        long first = Long.MAX_VALUE;
        if (b.size() > 0) {
            first = b.position(0);
        }
        for (var r : b.rejects()) {
            first = Math.min(first, r.position());
        }
        return first;
    }

    private static List<String> describe(List<RecordBatch> batches) {
        List<String> out = new ArrayList<>();
        for (RecordBatch b : batches) {
            StringBuilder s = new StringBuilder("#" + b.sequence());
            for (int i = 0; i < b.size(); i++) {
                s.append(' ').append(b.position(i)).append(':').append(new String(b.recordCopy(i), StandardCharsets.ISO_8859_1));
            }
            b.rejects().forEach(r -> s.append(" !").append(r.position()).append(':').append(r.rawText()));
            out.add(s.toString());
        }
        return out;
    }

    @Test
    void shouldRefuseToStartFreshAndNameBothWaysOutWhenADeadRunLeftProgress() throws IOException {
        Dead dead = deadRun();
        Path in = dead.in();
        Path out = dead.out();
        Path rej = dead.rej();

        assertThatThrownBy(() -> DurableRun.open(in, out, rej, JOB, DurableRun.Start.FRESH, EVERY_BATCH))
                .isInstanceOf(DurableRun.Refused.class)
                .satisfies(e -> assertThat(((DurableRun.Refused) e).reason()).isEqualTo(DurableRun.Refusal.LEFTOVERS))
                .hasMessageStartingWith(out + " has the progress of a run that died: ")
                .hasMessageContaining("records and 0 rejects written, up to line");

        try (DurableRun restart = DurableRun.open(in, out, rej, JOB, DurableRun.Start.RESTART, EVERY_BATCH)) {
            assertThat(restart.resumed()).isEmpty();
            assertThat(restart.removedLeftovers()).hasSize(2)
                    .allSatisfy(p -> assertThat(p.getFileName().toString()).contains(".tmp-"));
            assertThat(Checkpoint.fileOf(out)).doesNotExist();
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("in.csv");
        }
    }

    @Test
    void shouldRefuseToResumeWhenInputOrJobChangedAndSayWhat() throws IOException {
        Dead dead = deadRun();
        Path in = dead.in();
        Path out = dead.out();
        Path rej = dead.rej();

        assertThatThrownBy(() -> DurableRun.open(in, out, rej, Map.of("transform", "other"), DurableRun.Start.RESUME,
                EVERY_BATCH)).hasMessage("cannot resume " + out + ": the run was started with transform identity, "
                + "not other");
        Files.setLastModifiedTime(in, FileTime.fromMillis(Files.getLastModifiedTime(in).toMillis() + 5000));
        assertThatThrownBy(() -> DurableRun.open(in, out, rej, JOB, DurableRun.Start.RESUME, EVERY_BATCH))
                .satisfies(e -> assertThat(((DurableRun.Refused) e).reason())
                        .isEqualTo(DurableRun.Refusal.INPUT_CHANGED))
                .hasMessageStartingWith("cannot resume " + out + ": the input " + in + " is not the file the run read: "
                        + "it was modified at");
        Files.writeString(in, "more\n", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> DurableRun.open(in, out, rej, JOB, DurableRun.Start.RESUME, EVERY_BATCH))
                .hasMessageContaining("its size changed from");
        assertThat(Checkpoint.fileOf(out)).as("a refusal changes nothing").exists();
    }

    @Test
    void shouldSayNothingToResumeAndRefuseASecondLiveRun() throws IOException {
        Path in = TestRuns.write(dir.resolve("in.csv"), awkward());
        Path out = dir.resolve("out.txt");
        Path rej = dir.resolve("rej.tsv");

        assertThatThrownBy(() -> DurableRun.open(in, out, rej, JOB, DurableRun.Start.RESUME, EVERY_BATCH))
                .hasMessage("nothing to resume: there is no checkpoint of an earlier run beside " + out);
        try (DurableRun live = DurableRun.open(in, out, rej, JOB, DurableRun.Start.FRESH, EVERY_BATCH)) {
            assertThat(live.checkpoints()).isTrue();
            assertThatThrownBy(() -> DurableRun.open(in, out, rej, JOB, DurableRun.Start.RESTART, EVERY_BATCH))
                    .satisfies(e -> assertThat(((DurableRun.Refused) e).reason()).isEqualTo(DurableRun.Refusal.BUSY))
                    .hasMessage("another run (pid " + ProcessHandle.current().pid() + ") is writing " + out);
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("lock files are removed").containsExactly("in.csv");
        }
    }

    @Test
    void shouldRefuseToTrustADamagedCheckpointUnlessRestarting() throws IOException {
        Dead dead = deadRun();
        Path in = dead.in();
        Path out = dead.out();
        Path rej = dead.rej();
        Path checkpoint = Checkpoint.fileOf(out);
        Files.writeString(checkpoint, Files.readString(checkpoint).replace("source.line=", "source.line=1"));

        assertThatThrownBy(() -> DurableRun.open(in, out, rej, JOB, DurableRun.Start.RESUME, EVERY_BATCH))
                .satisfies(e -> assertThat(((DurableRun.Refused) e).reason()).isEqualTo(DurableRun.Refusal.DAMAGED))
                .hasMessageContaining("checksum does not match");
        DurableRun.open(in, out, rej, JOB, DurableRun.Start.RESTART, EVERY_BATCH).close();
        assertThat(checkpoint).doesNotExist();
    }

    @Test
    void shouldRemoveOrphanTempFilesOfADeadRunWhenStartingFresh() throws IOException {
        Path in = TestRuns.write(dir.resolve("in.csv"), "h\na\n");
        Path out = dir.resolve("out.txt");
        Files.writeString(dir.resolve(".out.txt.tmp-1234"), "half");
        Files.writeString(dir.resolve(".rej.tsv.tmp-prev-99"), "old");
        Files.writeString(dir.resolve(".other.txt.tmp-1"), "someone else's");

        try (DurableRun run = DurableRun.open(in, out, dir.resolve("rej.tsv"), JOB, DurableRun.Start.FRESH,
                EVERY_BATCH)) {
            assertThat(run.removedLeftovers()).extracting(p -> p.getFileName().toString())
                    .containsExactlyInAnyOrder(".out.txt.tmp-1234", ".rej.tsv.tmp-prev-99");
        }
        assertThat(dir.resolve(".other.txt.tmp-1")).exists();
    }

    @Test
    void shouldFinishPublishingWhenTheRunDiedBetweenItsRenames() throws IOException {
        Dead dead = deadRun();
        Path in = dead.in();
        Path out = dead.out();
        Path rej = dead.rej();
        Checkpoint c = Checkpoint.read(Checkpoint.fileOf(out));
        // As if it had written everything, marked the checkpoint, renamed the rejects file and died.
        Files.move(rej.resolveSibling(c.rejectsTemp()), rej);
        new Checkpoint(Checkpoint.State.PUBLISHING, c.outputTemp(), c.outputLength(), c.rejects(), c.rejectsTemp(),
                c.rejectsLength(), c.next(), c.recordsOut(), c.recordsRejected(), c.input(), c.job())
                .write(Checkpoint.fileOf(out), true);
        long outputLength = Files.size(out.resolveSibling(c.outputTemp()));

        assertThatThrownBy(() -> DurableRun.open(in, out, rej, JOB, DurableRun.Start.RESUME, EVERY_BATCH))
                .hasMessage("nothing to resume: the earlier run on " + out + " had written everything; its files are "
                        + "now published");
        assertThat(out).hasSize(outputLength);
        assertThat(rej).exists();
        assertThat(Checkpoint.fileOf(out)).doesNotExist();
    }

    private record Dead(Path in, Path out, Path rej) {
    }

    /** in.csv, and the leftovers of a run on it that died after 5 batches. */
    private Dead deadRun() throws IOException {
        Dead dead = new Dead(TestRuns.write(dir.resolve("in.csv"), awkward()), dir.resolve("out.txt"),
                dir.resolve("rej.tsv"));
        dieAfter(dead.in(), dead.out(), dead.rej(), 5);
        return dead;
    }

    /** A checkpointed copy that fails after {@code k} batches, keeping its progress. */
    private void dieAfter(Path in, Path out, Path rej, int k) throws IOException {
        try (DurableRun run = DurableRun.open(in, out, rej, JOB, DurableRun.Start.FRESH, EVERY_BATCH)) {
            assertThatThrownBy(() -> runs.copy(FileSource.of(in).withChunkBytes(16).withCheckpoints(run),
                    FileSink.of(out, rej).withCheckpoints(run), runs.sourceSettings(40, 1000),
                    b -> b.take(k).concatWith(Flux.error(new IllegalStateException("dies"))))
                    .block(TestRuns.TIMEOUT)).hasMessageContaining("dies");
        }
    }
}
