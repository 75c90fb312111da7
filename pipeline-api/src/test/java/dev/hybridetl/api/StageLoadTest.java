package dev.hybridetl.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StageLoadTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final StageMetrics metrics = new StageMetrics("enrich", "threads", registry);

    private double gauge(String name) {
        return registry.get(name).tag(MeterNames.STAGE, "enrich").tag(MeterNames.KIND, "threads").gauge().value();
    }

    @Test
    void shouldCountBatchesAndRecordsInTheStageUntilTheyArePassedOnInOrder() {
        StageLoad load = new StageLoad(metrics, 2, 4, registry);
        load.handedIn(100);
        load.handedIn(30);
        load.handedIn(7);
        assertThat(gauge(MeterNames.STAGE_QUEUE_DEPTH)).isEqualTo(3);
        assertThat(gauge(MeterNames.STAGE_LAG_RECORDS)).isEqualTo(137);
        load.released();
        assertThat(gauge(MeterNames.STAGE_QUEUE_DEPTH)).isEqualTo(2);
        assertThat(gauge(MeterNames.STAGE_LAG_RECORDS)).as("the oldest batch, 100 records, left").isEqualTo(37);
        load.released();
        load.released();
        load.released(); // one more than came in: never negative
        assertThat(gauge(MeterNames.STAGE_QUEUE_DEPTH)).isZero();
        assertThat(gauge(MeterNames.STAGE_LAG_RECORDS)).isZero();
    }

    @Test
    void shouldReportAnIdleSecondBeforeAnyWindowHasBeenMeasuredAndRemoveItsGaugesOnClose() {
        StageLoad load = new StageLoad(metrics, 2, 4, registry);
        assertThat(gauge(MeterNames.STAGE_IDLE_MS_PER_SECOND) + gauge(MeterNames.STAGE_BUSY_MS_PER_SECOND)
                + gauge(MeterNames.STAGE_BACKPRESSURED_MS_PER_SECOND)).isEqualTo(1000);
        load.close();
        for (String name : List.of(MeterNames.STAGE_BUSY_MS_PER_SECOND, MeterNames.STAGE_IDLE_MS_PER_SECOND,
                MeterNames.STAGE_BACKPRESSURED_MS_PER_SECOND, MeterNames.STAGE_QUEUE_DEPTH,
                MeterNames.STAGE_LAG_RECORDS)) {
            assertThat(registry.find(name).meters()).as(name).isEmpty();
        }
        assertThat(registry.find(MeterNames.STAGE_BUSY).timer()).as("the cumulative timer stays").isNotNull();
    }
}
