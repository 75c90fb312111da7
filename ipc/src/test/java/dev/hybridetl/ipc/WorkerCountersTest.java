package dev.hybridetl.ipc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerCountersTest {

    @Test
    void shouldShowAWorkersWritesToThePipelineThroughTheSharedFile(@TempDir Path tmp) throws Exception {
        Path file = WorkerCounters.file(tmp);
        try (WorkerCounters pipeline = WorkerCounters.create(file, "enrich", 3);
             WorkerCounters worker = WorkerCounters.open(file)) {
            assertThat(worker.workers()).isEqualTo(3);
            worker.counter(2, WorkerCounters.Field.BATCHES).incrementRelease();
            worker.counter(2, WorkerCounters.Field.BATCHES).incrementRelease();
            worker.counter(2, WorkerCounters.Field.RECORDS_IN).getAndAddRelease(500);
            worker.counter(0, WorkerCounters.Field.HEAP_USED_BYTES).setRelease(1 << 20);

            assertThat(pipeline.value(2, WorkerCounters.Field.BATCHES)).isEqualTo(2);
            assertThat(pipeline.value(2, WorkerCounters.Field.RECORDS_IN)).isEqualTo(500);
            assertThat(pipeline.value(0, WorkerCounters.Field.HEAP_USED_BYTES)).isEqualTo(1 << 20);
            assertThat(pipeline.value(1, WorkerCounters.Field.BATCHES)).as("another worker's block").isZero();
            assertThat(pipeline.label(1, WorkerCounters.Field.GC_TIME_MS)).isEqualTo("stage enrich worker 1 gc_time_ms");
        }
        assertThat(Files.size(file)).isEqualTo(128 + 3 * WorkerCounters.Field.values().length * (128 + 512));
    }

    @Test
    void shouldReadZeroInsteadOfTouchingTheFileOnceClosed(@TempDir Path tmp) throws Exception {
        Path file = WorkerCounters.file(tmp);
        WorkerCounters pipeline = WorkerCounters.create(file, "s", 1);
        pipeline.counter(0, WorkerCounters.Field.STARTS).incrementRelease();
        assertThat(pipeline.value(0, WorkerCounters.Field.STARTS)).isEqualTo(1);
        pipeline.close();
        pipeline.close();
        assertThat(pipeline.value(0, WorkerCounters.Field.STARTS)).isZero();
    }

    @Test
    void shouldRefuseAWorkerIndexOutsideTheFile(@TempDir Path tmp) throws Exception {
        try (WorkerCounters counters = WorkerCounters.create(WorkerCounters.file(tmp), "s", 2)) {
            assertThatThrownBy(() -> counters.value(2, WorkerCounters.Field.BATCHES))
                    .isInstanceOf(IndexOutOfBoundsException.class).hasMessage("worker 2 of 2");
            assertThatThrownBy(() -> counters.counter(-1, WorkerCounters.Field.BATCHES))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void shouldRefuseAFileThatIsNotACountersFile(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("counters");
        Files.write(file, new byte[4096]);
        assertThatThrownBy(() -> WorkerCounters.open(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a worker counters file");
        assertThatThrownBy(() -> WorkerCounters.open(tmp.resolve("missing"))).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> WorkerCounters.create(tmp.resolve("c2"), "s", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 0");
    }
}
