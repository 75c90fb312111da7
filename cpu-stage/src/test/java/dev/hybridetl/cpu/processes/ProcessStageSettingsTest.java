package dev.hybridetl.cpu.processes;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessStageSettingsTest {

    private static ProcessStageSettings settings(long workerStartTimeoutMs, int maxStartFailures,
                                                 long noReadyWorkerTimeoutMs) {
        return new ProcessStageSettings("s", 2, 8 << 20, 4 << 20, 64, 60_000, 5_000, workerStartTimeoutMs,
                maxStartFailures, noReadyWorkerTimeoutMs, 2, 5, 100, 5_000, 20, 1_000, 1_000, 5_000);
    }

    @Test
    void shouldRefuseAStageWideLimitThatWouldPreemptASlotsOwnStartFailures() {
        assertThatThrownBy(() -> settings(60_000, 3, 120_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("noReadyWorkerTimeoutMs")
                .hasMessageContaining("180000 ms")
                .hasMessageContaining("was 120000");
    }

    @Test
    void shouldWaitForAllWorkersLongerThanAnyLimitThatFailsTheStageItself() {
        ProcessStageSettings s = settings(20_000, 3, 60_000);
        assertThat(s.stageStartTimeoutMs()).isGreaterThan(s.noReadyWorkerTimeoutMs())
                .isGreaterThan(s.maxStartFailures() * (s.workerStartTimeoutMs() + s.restartBackoffMaxMs()));
    }

    @Test
    void shouldRestartAtOnceThenBackOffDoublingToTheMaximum() {
        ProcessStageSettings s = settings(20_000, 3, 60_000);
        assertThat(s.restartBackoffMs(1)).isZero();
        assertThat(s.restartBackoffMs(2)).isEqualTo(100);
        assertThat(s.restartBackoffMs(3)).isEqualTo(200);
        assertThat(s.restartBackoffMs(9)).isEqualTo(5_000);
        assertThat(s.restartBackoffMs(1_000)).isEqualTo(5_000);
    }

    @Test
    void shouldNameTheSegmentPropertyWhenTheSegmentIsTooSmall() {
        assertThatThrownBy(() -> new ProcessStageSettings("s", 2, 1024, 4 << 20, 64, 60_000, 5_000, 20_000, 3, 60_000, 2, 5,
                100, 5_000, 20, 1_000, 1_000, 5_000))
                .hasMessageContaining(ProcessStageSettings.SEGMENT_BYTES_PROPERTY).hasMessageContaining("was 1024");
    }

    @Test
    void shouldNameTheRingPropertyWhenTheResultRingIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new ProcessStageSettings("s", 2, 8 << 20, 3 << 20, 64, 60_000, 5_000, 20_000, 3,
                60_000, 2, 5, 100, 5_000, 20, 1_000, 1_000, 5_000))
                .hasMessageContaining(ProcessStageSettings.RESULT_RING_BYTES_PROPERTY)
                .hasMessageContaining("power of two")
                .hasMessageContaining("was " + (3 << 20));
    }

    @Test
    void shouldReserveTheNextSegmentAndARestartedWorkersRing() {
        ProcessStageSettings s = settings(20_000, 3, 60_000);
        assertThat(s.queueReserveBytes()).isEqualTo((8L << 20) + (4L << 20) + 768);
        assertThat(s.queueFootprintBytes()).isEqualTo(2 * ((4L << 20) + 768) + 2 * (8L << 20));
    }
}
