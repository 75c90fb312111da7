package dev.hybridetl.ipc;

import dev.hybridetl.api.RecordBatch;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A real mapped ring file, a writer and a reader mapping it separately, as the worker and the pipeline do. */
class ResultRingTest {
    private static final int CAPACITY = ResultRing.MIN_CAPACITY_BYTES;
    private final BatchCodec codec = new BatchCodec();

    @Test
    void shouldCarryFramesInPlaceAndFramesLargerThanAMessageInFragments(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out-0-1.ring");
        List<RecordBatch> sent = new ArrayList<>();
        List<RecordBatch> received = new ArrayList<>();
        try (ResultRing writer = ResultRing.create(file, CAPACITY); ResultRing reader = ResultRing.open(file)) {
            assertThat(Files.size(file)).isEqualTo(ResultRing.fileBytes(CAPACITY));
            // One small batch, then one of about three times the ring's capacity (many fragments), then small again:
            // the writer must wait for the reader, so they alternate here on one thread through the give-up hook.
            sent.add(batch(0, 10, 20));
            sent.add(batch(1, 1_000, 190));
            sent.add(batch(2, 3, 5));
            for (RecordBatch b : sent) {
                int size = (int) BatchCodec.frameBytes(b);
                ResultRing.FrameEncoder encoder = (buffer, offset) ->
                        codec.encode(BatchCodec.KIND_RESULT, b, 0, 0, buffer, offset);
                boolean written = writer.write(size, encoder, new BusySpinIdleStrategy(), () -> {
                    reader.read((buffer, offset, length) -> received.add(codec.decode(buffer, offset, length).batch()),
                            1);
                    return false;
                });
                assertThat(written).isTrue();
            }
            while (reader.read((buffer, offset, length) ->
                    received.add(codec.decode(buffer, offset, length).batch()), 16) > 0) {
                // drain
            }
        }
        assertThat(BatchCodec.frameBytes(sent.get(1))).isGreaterThan(CAPACITY);
        assertThat(received).hasSize(3);
        for (int i = 0; i < sent.size(); i++) {
            BatchCodecTest.assertSameBatch(received.get(i), sent.get(i));
        }
    }

    @Test
    void shouldGiveUpWhenTheRingStaysFullAndTheWriterIsToldTo(@TempDir Path dir) throws Exception {
        try (ResultRing writer = ResultRing.create(dir.resolve("r"), CAPACITY)) {
            RecordBatch b = batch(0, 100, 50);
            int size = (int) BatchCodec.frameBytes(b);
            int written = 0;
            while (writer.write(size, (buffer, offset) -> codec.encode(BatchCodec.KIND_RESULT, b, 0, 0, buffer,
                    offset), new BusySpinIdleStrategy(), () -> true)) {
                written++;
            }
            assertThat(written).isPositive().isLessThan(CAPACITY / size + 1);
        }
    }

    @Test
    void shouldRefuseACapacityThatIsNotAPowerOfTwoAndAFileThatExists(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ResultRing.checkCapacity("x.ring", 3 * 65536))
                .hasMessageContaining("x.ring").hasMessageContaining("power of two");
        Path file = dir.resolve("r");
        ResultRing.create(file, CAPACITY).close();
        assertThatThrownBy(() -> ResultRing.create(file, CAPACITY))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    }

    private static RecordBatch batch(long sequence, int records, int recordBytes) {
        var b = RecordBatch.builder(sequence);
        for (int i = 0; i < records; i++) {
            String s = (char) ('a' + i % 26) + "x".repeat(recordBytes - 1);
            b.add(i + 2, s);
        }
        return b.build();
    }
}
