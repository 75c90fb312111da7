package dev.hybridetl.api;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordBatchBuilderTest {

    @Test
    void shouldPackRecordsWithPositionsWhenGrowingPastInitialCapacity() {
        RecordBatchBuilder b = RecordBatch.builder(7);
        for (int i = 0; i < 10_000; i++) {
            b.add(i + 2, "record-" + i);
        }
        b.beginRecord(99_999).appendAscii("pie").append((byte) 'c').append("es".getBytes(StandardCharsets.US_ASCII), 0, 2)
                .endRecord();
        b.add(100_000, new byte[0], 0, 0);
        RecordBatch batch = b.build();

        assertThat(batch.sequence()).isEqualTo(7);
        assertThat(batch.size()).isEqualTo(10_002);
        assertThat(new String(batch.recordCopy(1234), StandardCharsets.ISO_8859_1)).isEqualTo("record-1234");
        assertThat(batch.position(1234)).isEqualTo(1236);
        assertThat(new String(batch.recordCopy(10_000), StandardCharsets.ISO_8859_1)).isEqualTo("pieces");
        assertThat(batch.length(10_001)).isZero();
        assertThat(batch.rejects()).isEmpty();
    }

    @Test
    void shouldKeepRejectsInOrderWhenStageAddsToEarlierOnes() {
        Reject early = new Reject(2, "record_too_long", new byte[]{1});
        RecordBatch out = RecordBatch.builder(0).reject(5, "malformed", "x,y".getBytes(StandardCharsets.US_ASCII), 0, 3)
                .build();

        RecordBatch merged = out.withEarlierRejects(List.of(early));

        assertThat(merged.rejects()).extracting(Reject::position).containsExactly(2L, 5L);
        assertThat(merged.rejects().get(1).rawText()).isEqualTo("x,y");
    }

    @Test
    void shouldRefuseReasonWhenItContainsTabOrLineBreak() {
        assertThatThrownBy(() -> new Reject(1, "bad\treason", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad\treason");
        assertThatThrownBy(() -> new Reject(1, "", new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseBuildWhenRecordIsStillOpen() {
        RecordBatchBuilder b = RecordBatch.builder(0).beginRecord(3);
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("position 3");
    }

    @Test
    void shouldRefuseWrapWhenArraysDisagree() {
        assertThatThrownBy(() -> RecordBatch.wrap(0, 2, new byte[4], new int[]{0, 2, 9}, new long[2], List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("data.length=4");
    }
}
