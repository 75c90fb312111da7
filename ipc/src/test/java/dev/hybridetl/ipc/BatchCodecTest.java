package dev.hybridetl.ipc;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Reject;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchCodecTest {
    private final BatchCodec codec = new BatchCodec();

    @Test
    void shouldRoundTripEmptyBatch() {
        RecordBatch in = RecordBatch.builder(7).build();
        BatchCodec.Frame frame = roundTrip(BatchCodec.KIND_BATCH, in, 0, 0);
        assertThat(frame.kind()).isEqualTo(BatchCodec.KIND_BATCH);
        assertSameBatch(frame.batch(), in);
    }

    @Test
    void shouldRoundTripEmptyRecordsAndKeepPositions() {
        RecordBatch in = RecordBatch.builder(3).add(2, "").add(3, "x").add(9, "").build();
        BatchCodec.Frame frame = roundTrip(BatchCodec.KIND_RESULT, in, 2, 12345);
        assertThat(frame.attempt()).isEqualTo(2);
        assertThat(frame.busyNanos()).isEqualTo(12345);
        assertSameBatch(frame.batch(), in);
    }

    @Test
    void shouldRoundTripRejectsWithBinaryRawBytes() {
        byte[] raw = {0, (byte) 0xFF, '\t', '\n', 'a'};
        RecordBatch in = RecordBatch.builder(11).add(5, "keep")
                .reject(new Reject(6, "malformed", raw))
                .reject(new Reject(7, "ünïcode_reason", new byte[0]))
                .build();
        assertSameBatch(roundTrip(BatchCodec.KIND_RESULT, in, 0, 1).batch(), in);
    }

    @Test
    void shouldRoundTripRecordOffsetsThatDoNotStartAtZero() {
        byte[] data = "..abcdef".getBytes(StandardCharsets.ISO_8859_1);
        RecordBatch in = RecordBatch.wrap(4, 2, data, new int[] {2, 5, 8}, new long[] {10, 11}, List.of());
        RecordBatch out = roundTrip(BatchCodec.KIND_BATCH, in, 0, 0).batch();
        assertThat(out.recordCopy(0)).isEqualTo("abc".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(out.recordCopy(1)).isEqualTo("def".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldEncodeBatchAtTheFrameLimitAndRefuseOneByteMore() {
        int limit = 4096;
        BatchCodec small = new BatchCodec(limit);
        int recordBytes = limit - BatchCodec.HEADER_BYTES - 12;
        RecordBatch atLimit = RecordBatch.builder(1).add(2, new byte[recordBytes], 0, recordBytes).build();
        assertThat(BatchCodec.frameBytes(atLimit)).isEqualTo(limit);
        Bytes<?> bytes = Bytes.allocateElasticOnHeap();
        small.encode(BatchCodec.KIND_BATCH, atLimit, 0, 0, bytes);
        assertThat(bytes.readRemaining()).isEqualTo(limit);
        assertSameBatch(small.decode(bytes).batch(), atLimit);

        RecordBatch over = RecordBatch.builder(1).add(2, new byte[recordBytes + 1], 0, recordBytes + 1).build();
        assertThatThrownBy(() -> small.encode(BatchCodec.KIND_BATCH, over, 0, 0, Bytes.allocateElasticOnHeap()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(limit + 1)).hasMessageContaining(String.valueOf(limit));
    }

    @Test
    void shouldCarryAFrameOfTheDefaultLimitThroughARealQueue(@TempDir Path dir) throws Exception {
        int recordBytes = 8 * 1024 * 1024;
        byte[] big = new byte[recordBytes];
        Arrays.fill(big, (byte) 'z');
        RecordBatch in = RecordBatch.builder(5).add(1, big, 0, big.length).add(2, "tail").build();
        try (SingleChronicleQueue queue = StageQueues.open(dir.resolve("q"))) {
            ExcerptAppender appender = queue.createAppender();
            try (DocumentContext dc = appender.writingDocument()) {
                codec.encode(BatchCodec.KIND_BATCH, in, 1, 0, dc.wire().bytes());
            }
            try (ExcerptTailer tailer = queue.createTailer(); DocumentContext dc = tailer.readingDocument()) {
                assertThat(dc.isPresent()).isTrue();
                BatchCodec.Frame frame = codec.decode(dc.wire().bytes());
                assertThat(frame.attempt()).isEqualTo(1);
                assertSameBatch(frame.batch(), in);
            }
        }
    }

    @Test
    void shouldRoundTripFailureFrames() {
        org.agrona.ExpandableArrayBuffer buffer = new org.agrona.ExpandableArrayBuffer(128);
        int size = codec.encodeFailure(9, 1, "IllegalStateException: boom", buffer, 0);
        assertThat(size).isEqualTo(codec.failureFrameBytes("IllegalStateException: boom"));
        BatchCodec.Frame failure = codec.decode(buffer, 0, size);
        assertThat(failure.kind()).isEqualTo(BatchCodec.KIND_FAILURE);
        assertThat(failure.sequence()).isEqualTo(9);
        assertThat(failure.failure()).isEqualTo("IllegalStateException: boom");
        assertThat(failure.frameBytes()).isEqualTo(size);
    }

    @Test
    void shouldEncodeTheSameBytesIntoAnExcerptAndIntoABuffer() {
        RecordBatch in = RecordBatch.builder(12).add(3, "abc").add(4, "ünï")
                .reject(new Reject(5, "bad", new byte[] {1, 2})).build();
        Bytes<?> direct = Bytes.allocateElasticDirect();
        Bytes<?> heap = Bytes.allocateElasticOnHeap();
        codec.encode(BatchCodec.KIND_RESULT, in, 1, 77, direct);
        codec.encode(BatchCodec.KIND_RESULT, in, 1, 77, heap);
        org.agrona.ExpandableArrayBuffer buffer = new org.agrona.ExpandableArrayBuffer(256);
        int size = codec.encode(BatchCodec.KIND_RESULT, in, 1, 77, buffer, 10);
        assertThat(size).isEqualTo(BatchCodec.frameBytes(in));
        byte[] fromBuffer = new byte[size];
        buffer.getBytes(10, fromBuffer);
        assertThat(direct.toByteArray()).isEqualTo(fromBuffer);
        assertThat(heap.toByteArray()).isEqualTo(fromBuffer);
        assertSameBatch(codec.decode(direct).batch(), in);
        assertSameBatch(codec.decode(buffer, 10, size).batch(), in);
        direct.releaseLast();
    }

    @Test
    void shouldRefuseTruncatedOrForeignFrames() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap();
        codec.encode(BatchCodec.KIND_BATCH, RecordBatch.builder(1).add(1, "abcdef").build(), 0, 0, bytes);
        bytes.writeLimit(bytes.writePosition());
        Bytes<?> truncated = Bytes.allocateElasticOnHeap();
        truncated.write(bytes, 0, bytes.readRemaining() - 3);
        assertThatThrownBy(() -> codec.decode(truncated)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
        Bytes<?> foreign = Bytes.allocateElasticOnHeap();
        foreign.write(new byte[64]);
        assertThatThrownBy(() -> codec.decode(foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("magic");
    }

    private BatchCodec.Frame roundTrip(short kind, RecordBatch in, int attempt, long busyNanos) {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap();
        codec.encode(kind, in, attempt, busyNanos, bytes);
        assertThat(bytes.readRemaining()).isEqualTo(BatchCodec.frameBytes(in));
        BatchCodec.Frame frame = codec.decode(bytes);
        assertThat(frame.sequence()).isEqualTo(in.sequence());
        assertThat(bytes.readRemaining()).isZero();
        return frame;
    }

    static void assertSameBatch(RecordBatch actual, RecordBatch expected) {
        assertThat(actual.sequence()).isEqualTo(expected.sequence());
        assertThat(actual.size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.position(i)).isEqualTo(expected.position(i));
            assertThat(actual.recordCopy(i)).isEqualTo(expected.recordCopy(i));
        }
        assertThat(actual.rejects()).isEqualTo(expected.rejects());
    }

}
