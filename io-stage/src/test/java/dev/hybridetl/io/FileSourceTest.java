package dev.hybridetl.io;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.SourceReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.BaseSubscriber;
import reactor.test.StepVerifier;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileSourceTest {
    private static final int[] CHUNK_SIZES = {1, 2, 3, 7, FileSource.DEFAULT_CHUNK_BYTES};
    private static final int BIG = 1 << 20;

    @TempDir
    Path dir;
    private final TestRuns runs = new TestRuns();

    @AfterEach
    void tearDown() {
        runs.close();
    }

    static Stream<Arguments> awkwardInputs() {
        List<String[]> inputs = List.of(
                new String[] {"lf", "h1,h2\na,b\nc,d\n"},
                new String[] {"crlf", "h1,h2\r\na,b\r\nc,d\r\n"},
                new String[] {"lone cr", "h\ra\rb\r"},
                new String[] {"mixed", "h\r\na\nb\rc\r\nd"},
                new String[] {"cr then lf across reads", "h\r\nab\r\ncd\r\nef"},
                new String[] {"cr cr lf", "h\r\r\nx\r\r"},
                new String[] {"last line without terminator", "h\nfirst\nlast"},
                new String[] {"empty lines in the middle", "h\n\nx\n\n\ny\n"},
                new String[] {"empty lines with crlf and cr", "h\r\n\r\n\r\rz\r\n"},
                new String[] {"empty file", ""},
                new String[] {"header only with terminator", "only,a,header\n"},
                new String[] {"header only without terminator", "only,a,header"},
                new String[] {"empty header", "\nrecord\n"},
                new String[] {"long line split across reads", "h\n" + "x".repeat(5000) + "\nshort\n"},
                new String[] {"opaque high bytes", "h\u00e9\n\u00ff\u0080,\u0000\n"});
        return inputs.stream().flatMap(in -> IntStream.of(CHUNK_SIZES)
                .mapToObj(chunk -> Arguments.of(in[0], in[1], chunk)));
    }

    @ParameterizedTest(name = "{0}, chunk {2}")
    @MethodSource("awkwardInputs")
    void shouldFrameLikeBufferedReaderWhenReadingPlainFile(String name, String text, int chunkBytes) throws IOException {
        Path file = TestRuns.write(dir.resolve("in.csv"), text);

        TestRuns.Read read = runs.readAll(FileSource.of(file).withChunkBytes(chunkBytes), runs.sourceSettings(BIG, BIG));

        assertThat(read.header()).isEqualTo(TestRuns.expectedHeader(text));
        assertThat(read.records()).isEqualTo(TestRuns.expectedRecords(text));
        assertThat(read.rejects()).isEmpty();
        assertBatchesWellFormed(read.batches());
    }

    @ParameterizedTest(name = "{0}, chunk {2}")
    @MethodSource("awkwardInputs")
    void shouldFrameGzipLikePlainWhenInputIsCompressed(String name, String text, int chunkBytes) throws IOException {
        Path file = TestRuns.writeGzip(dir.resolve("in.csv.gz"), text);

        TestRuns.Read read = runs.readAll(FileSource.of(file).withChunkBytes(chunkBytes), runs.sourceSettings(BIG, BIG));

        assertThat(read.header()).isEqualTo(TestRuns.expectedHeader(text));
        assertThat(read.records()).isEqualTo(TestRuns.expectedRecords(text));
    }

    @Test
    void shouldDetectGzipByMagicBytesWhenNameHasNoGzSuffix() throws IOException {
        String text = "h\na\nb\n";
        Path file = TestRuns.writeGzip(dir.resolve("in.csv"), text);

        TestRuns.Read read = runs.readAll(FileSource.of(file), runs.sourceSettings(BIG, BIG));

        assertThat(read.records()).containsExactly("2:a", "3:b");
    }

    static Stream<Arguments> streamInputs() {
        return Stream.of(
                Arguments.of("crlf", "h1,h2\r\na,b\r\nc,d\r\n", false),
                Arguments.of("mixed, no final terminator", "h\r\na\nb\rc\r\nd", false),
                Arguments.of("empty", "", false),
                Arguments.of("one byte", "h", false),
                Arguments.of("many lines", FlowTest.sample(20_000), false),
                Arguments.of("gzip, many lines", FlowTest.sample(20_000), true),
                Arguments.of("gzip, empty", "", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamInputs")
    void shouldReadFifoFrontToBackWhenInputCannotSeek(String name, String text, boolean gzip) throws Exception {
        Path fifo = TestRuns.mkfifo(dir.resolve("in.pipe")); // no .gz in the name: gzip is found by its magic
        Thread writer = TestRuns.feed(fifo, gzip ? TestRuns.gzip(text) : text.getBytes(StandardCharsets.ISO_8859_1));

        SourceReader reader = FileSource.of(fifo).withChunkBytes(4096).open(runs.sourceSettings(1000, BIG))
                .block(TestRuns.TIMEOUT);
        TestRuns.Read read;
        try {
            read = new TestRuns.Read(reader.header(), reader.batches().collectList().block(TestRuns.TIMEOUT));
            assertThat(reader.sizeBytes()).isEqualTo(-1);
        } finally {
            reader.close();
        }
        writer.join(TestRuns.TIMEOUT.toMillis());

        assertThat(read.header()).isEqualTo(TestRuns.expectedHeader(text));
        assertThat(read.records()).isEqualTo(TestRuns.expectedRecords(text));
        assertBatchesWellFormed(read.batches());
        assertThat(Files.isRegularFile(fifo)).isFalse();
    }

    @Test
    void shouldReadEveryMemberWhenGzipStreamHasConcatenatedMembers() throws Exception {
        String first = FlowTest.sample(3000);
        String second = "2001-01-01T00:01,1,2,AAA,BBB\nlast\n";
        byte[] a = TestRuns.gzip(first);
        byte[] b = TestRuns.gzip(second);
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        Path fifo = TestRuns.mkfifo(dir.resolve("members.pipe"));
        Thread writer = TestRuns.feed(fifo, both);

        TestRuns.Read read = runs.readAll(FileSource.of(fifo), runs.sourceSettings(BIG, BIG));
        writer.join(TestRuns.TIMEOUT.toMillis());

        assertThat(read.records()).isEqualTo(TestRuns.expectedRecords(first + second));
    }

    @Test
    void shouldEmitNoBatchesWhenFileIsEmptyOrHeaderOnly() throws IOException {
        Path empty = TestRuns.write(dir.resolve("empty.csv"), "");
        Path headerOnly = TestRuns.write(dir.resolve("header.csv"), "a,b\r\n");

        TestRuns.Read emptyRead = runs.readAll(FileSource.of(empty), runs.sourceSettings(BIG, BIG));
        TestRuns.Read headerRead = runs.readAll(FileSource.of(headerOnly).withChunkBytes(1), runs.sourceSettings(BIG, BIG));

        assertThat(emptyRead.header()).isEmpty();
        assertThat(emptyRead.batches()).isEmpty();
        assertThat(headerRead.header()).isEqualTo("a,b");
        assertThat(headerRead.batches()).isEmpty();
    }

    @ParameterizedTest(name = "chunk {0}")
    @ValueSource(ints = {1, 2, 3, 7, FileSource.DEFAULT_CHUNK_BYTES})
    void shouldCloseBatchesAtFirstRecordBoundaryWhenBatchBytesReached(int chunkBytes) throws IOException {
        StringBuilder text = new StringBuilder("header\n");
        for (int i = 0; i < 200; i++) {
            text.append("r").append(i).append(i % 7 == 0 ? "\r\n" : "\n");
        }
        Path file = TestRuns.write(dir.resolve("multi.csv"), text.toString());
        int batchBytes = 10;

        TestRuns.Read read = runs.readAll(FileSource.of(file).withChunkBytes(chunkBytes),
                runs.sourceSettings(batchBytes, BIG));

        assertThat(read.records()).isEqualTo(TestRuns.expectedRecords(text.toString()));
        assertThat(read.batches()).hasSizeGreaterThan(10);
        List<RecordBatch> batches = read.batches();
        for (int b = 0; b < batches.size(); b++) {
            RecordBatch batch = batches.get(b);
            assertThat(batch.sequence()).isEqualTo(b);
            int withoutLast = batch.recordBytes() - batch.length(batch.size() - 1);
            assertThat(withoutLast).as("batch %d closes at the first boundary at or after the target", b)
                    .isLessThan(batchBytes);
            if (b < batches.size() - 1) {
                assertThat(batch.recordBytes()).isGreaterThanOrEqualTo(batchBytes);
            }
        }
        assertThat(runs.sourceMetrics.batches()).isEqualTo(batches.size());
        assertThat(runs.sourceMetrics.recordsOut()).isEqualTo(200);
    }

    @ParameterizedTest(name = "chunk {0}")
    @ValueSource(ints = {1, 2, 3, 7, FileSource.DEFAULT_CHUNK_BYTES})
    void shouldRejectRecordWhenLongerThanMaxRecordBytes(int chunkBytes) throws IOException {
        String text = "h\nok\n" + "abcdefghij".repeat(3) + "\r\nafter\n" + "0123456789\nend";
        Path file = TestRuns.write(dir.resolve("long.csv"), text);

        TestRuns.Read read = runs.readAll(FileSource.of(file).withChunkBytes(chunkBytes), runs.sourceSettings(BIG, 8));

        assertThat(read.records()).containsExactly("2:ok", "4:after", "6:end");
        assertThat(read.rejects()).containsExactly(
                new Reject(3, Reject.Reasons.RECORD_TOO_LONG, "abcdefgh".getBytes(StandardCharsets.ISO_8859_1)),
                new Reject(5, Reject.Reasons.RECORD_TOO_LONG, "01234567".getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(runs.sourceMetrics.rejected()).isEqualTo(2);
    }

    @Test
    void shouldKeepOnly4096BytesOfRejectWhenRecordIsHuge() throws IOException {
        String huge = "y".repeat(100_000);
        Path file = TestRuns.write(dir.resolve("huge.csv"), "h\n" + huge + "\nnext");

        TestRuns.Read read = runs.readAll(FileSource.of(file).withChunkBytes(1000), runs.sourceSettings(BIG, 10_000));

        assertThat(read.records()).containsExactly("3:next");
        assertThat(read.rejects()).singleElement().satisfies(r -> {
            assertThat(r.position()).isEqualTo(2);
            assertThat(r.raw()).hasSize(4096);
        });
    }

    @Test
    void shouldFailWithClearMessageWhenFileIsMissing() {
        Path missing = dir.resolve("nope/missing.csv");

        assertThat(openError(FileSource.of(missing)))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessage("input file not found: " + missing);
    }

    @Test
    void shouldFailWithClearMessageWhenPathIsDirectory() {
        assertThat(openError(FileSource.of(dir)))
                .isInstanceOf(IOException.class)
                .hasMessage("input is a directory, not a file: " + dir);
    }

    @Test
    void shouldFailWithClearMessageWhenGzipIsInvalid() throws IOException {
        Path file = TestRuns.write(dir.resolve("bad.csv.gz"), "not gzip at all\n");

        assertThat(openError(FileSource.of(file)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("input file " + file + " is not valid gzip");
    }

    @Test
    void shouldRefuseSecondSubscriptionWhenBatchesAlreadySubscribed() throws IOException {
        Path file = TestRuns.write(dir.resolve("in.csv"), "h\na\n");
        SourceReader reader = FileSource.of(file).open(runs.sourceSettings(BIG, BIG)).block(TestRuns.TIMEOUT);

        reader.batches().collectList().block(TestRuns.TIMEOUT);

        assertThatThrownBy(() -> reader.batches().blockLast(TestRuns.TIMEOUT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("only once");
        reader.close();
        reader.close();
    }

    @Test
    void shouldReadBoundedAmountWhenSubscriberStopsRequesting() throws Exception {
        Path file = dir.resolve("large.csv");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.ISO_8859_1)) {
            out.write("header\n");
            String line = "2001-01-01T00:01,33,2176,LAS,PHL,".repeat(2) + "\n";
            for (long written = 0; written < 20L * 1024 * 1024; written += line.length()) {
                out.write(line);
            }
        }
        int chunkBytes = 64 * 1024;
        SourceReader reader = FileSource.of(file).withChunkBytes(chunkBytes)
                .open(runs.sourceSettings(16 * 1024, BIG)).block(TestRuns.TIMEOUT);
        CountDownLatch first = new CountDownLatch(1);
        BaseSubscriber<RecordBatch> oneOnly = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                request(1);
            }

            @Override
            protected void hookOnNext(RecordBatch value) {
                first.countDown();
            }
        };

        reader.batches().subscribe(oneOnly);

        assertThat(first.await(TestRuns.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        TestRuns.holdsFor("bytesRead < 4 chunks", Duration.ofMillis(300),
                () -> reader.bytesRead() < 4L * chunkBytes);
        assertThat(reader.sizeBytes()).isGreaterThan(20L * 1024 * 1024);
        oneOnly.dispose();
        reader.close();
    }

    private Throwable openError(FileSource source) {
        AtomicReference<Throwable> error = new AtomicReference<>();
        StepVerifier.create(source.open(runs.sourceSettings(BIG, BIG)))
                .expectErrorSatisfies(error::set)
                .verify(TestRuns.TIMEOUT);
        return error.get();
    }

    private static void assertBatchesWellFormed(List<RecordBatch> batches) {
        for (int i = 0; i < batches.size(); i++) {
            assertThat(batches.get(i).sequence()).isEqualTo(i);
            assertThat(batches.get(i).size() + batches.get(i).rejects().size()).isPositive();
        }
    }
}
