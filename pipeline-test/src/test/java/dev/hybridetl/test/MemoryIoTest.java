package dev.hybridetl.test;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.SinkSettings;
import dev.hybridetl.api.SourceReader;
import dev.hybridetl.api.SourceSettings;
import dev.hybridetl.api.StageMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-memory source and sink: numbering, batching and splitting as the file source does, output as the file sink writes it. */
class MemoryIoTest {
    private static final StageMetrics METRICS = new StageMetrics("t", "t", new SimpleMeterRegistry());
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static List<RecordBatch> read(MemorySource source, int batchBytes) {
        SourceReader reader = source.open(new SourceSettings(batchBytes, 1 << 20, Schedulers.immediate(),
                Schedulers.immediate(), METRICS)).block(TIMEOUT);
        try {
            return reader.batches().collectList().block(TIMEOUT);
        } finally {
            reader.close();
            reader.close();
        }
    }

    private static List<String> positioned(List<RecordBatch> batches) {
        return batches.stream().flatMap(b -> java.util.stream.IntStream.range(0, b.size())
                .mapToObj(i -> b.sequence() + "/" + b.position(i) + ":" + new String(b.recordCopy(i),
                        StandardCharsets.ISO_8859_1))).toList();
    }

    @Test
    void shouldNumberLinesAfterTheHeaderAndCutBatchesByLineCount() {
        MemorySource source = MemorySource.ofLines(List.of("h", "a", "b", "c", "d", "e")).withLinesPerBatch(2);

        assertThat(source.header()).isEqualTo("h");
        assertThat(positioned(read(source, 1))).containsExactly("0/2:a", "0/3:b", "1/4:c", "1/5:d", "2/6:e");
        assertThat(source.opens()).isEqualTo(1);
        assertThat(source.closes()).as("a reader counts once").isEqualTo(1);
    }

    @Test
    void shouldCloseABatchAtTheFirstRecordBoundaryAtOrAfterBatchBytes() {
        MemorySource source = MemorySource.of("h", List.of("aaa", "b", "cc", "dddd", "e"));

        assertThat(positioned(read(source, 4))).containsExactly("0/2:aaa", "0/3:b", "1/4:cc", "1/5:dddd", "2/6:e");
        assertThat(read(MemorySource.ofLines(List.of()), 4)).isEmpty();
    }

    @Test
    void shouldSplitAFileAsTheFileSourceDoesPlainOrGzip() throws Exception {
        String text = "h\r\na\nb\rc\r\n\nd\u00ff";
        Path plain = Files.writeString(dir.resolve("in.csv"), text, StandardCharsets.ISO_8859_1);
        Path gz = dir.resolve("in.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        for (Path file : List.of(plain, gz)) {
            MemorySource source = MemorySource.read(file).withLinesPerBatch(10);
            assertThat(source.header()).isEqualTo("h");
            assertThat(positioned(read(source, 1))).containsExactly("0/2:a", "0/3:b", "0/4:c", "0/5:", "0/6:d\u00ff");
        }
    }

    @Test
    void shouldRenderRecordsAndSortedRejectsAsTheFileSinkWrites() {
        MemorySink sink = new MemorySink();
        RecordBatch b0 = RecordBatch.builder(0).add(2, "a").add(4, "").build().withEarlierRejects(List.of(
                new Reject(9, "late", "z".getBytes(StandardCharsets.US_ASCII)),
                new Reject(3, "early", "y".getBytes(StandardCharsets.US_ASCII))));
        RecordBatch b1 = RecordBatch.builder(1).add(10, "b\u00e9").build();

        sink.write(Flux.just(b0, b1), settings()).block(TIMEOUT);

        assertThat(sink.completed()).isTrue();
        assertThat(sink.sequences()).containsExactly(0L, 1L);
        assertThat(sink.records()).containsExactly("a", "", "b\u00e9");
        assertThat(new String(sink.output(), StandardCharsets.ISO_8859_1)).isEqualTo("a\n\nb\u00e9\n");
        assertThat(sink.rejects()).extracting(Reject::position).containsExactly(3L, 9L);
        assertThat(new String(sink.rejectsOutput(), StandardCharsets.ISO_8859_1)).isEqualTo("early\ty\nlate\tz\n");
    }

    @Test
    void shouldFailTheRunWhenABatchArrivesOutOfSequence() {
        MemorySink sink = new MemorySink();
        Flux<RecordBatch> outOfOrder = Flux.just(RecordBatch.builder(0).build(), RecordBatch.builder(2).build());

        assertThatThrownBy(() -> sink.write(outOfOrder, settings()).block(TIMEOUT))
                .hasMessageContaining("batch 2 arrived out of sequence: expected batch 1");
        assertThat(sink.completed()).isFalse();
        assertThat(sink.sequences()).containsExactly(0L);
    }

    private static SinkSettings settings() {
        return new SinkSettings(Schedulers.immediate(), Schedulers.immediate(), METRICS);
    }
}
