package dev.hybridetl.cpu.processes;

import dev.hybridetl.test.MemorySink;
import dev.hybridetl.test.MemorySource;
import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.PipelineRun;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A transform that never returns from one record. On processes its worker is killed after the batch timeout, the
 * batch retried and split, and only that record dead-lettered; on threads, which cannot stop a thread, the run fails
 * promptly naming the batch.
 */
@Timeout(120)
class StuckTransformTest {
    private static final List<String> LINES = IntStream.range(0, 1500).mapToObj(i -> "row " + i)
            .collect(Collectors.toList());
    private static final String STUCK = "row 777";

    @AfterEach
    void releaseTheStuckThread() {
        TestTransforms.Stuck.releaseStuck();
    }

    private static Pipeline pipeline(Placement placement, MemorySink sink) {
        return Pipeline.builder()
                .source(MemorySource.of("id,text", LINES).withLinesPerBatch(100))
                .stage(Stage.plugin("test-stuck").withConfig("stuckOn", STUCK).withPlacement(placement)
                        .withWorkers(2).withBatchTimeout(Duration.ofMillis(700)))
                .sink(sink)
                .build();
    }

    @Test
    void shouldKillTheStuckWorkerAndDeadLetterOnlyTheStuckRecordOnProcesses() throws Exception {
        MemorySink sink = new MemorySink();

        pipeline(Placement.PROCESSES, sink).run();

        List<String> expected = new ArrayList<>();
        for (String line : LINES) {
            if (!line.equals(STUCK)) {
                expected.add(line.toUpperCase());
            }
        }
        assertThat(sink.records()).containsExactlyElementsOf(expected);
        assertThat(sink.rejects()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(Reject.Reasons.TRANSFORM_TIMEOUT);
            assertThat(r.rawText()).isEqualTo(STUCK);
            assertThat(r.position()).isEqualTo(779); // header is line 1, "row 0" line 2
        });
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).isZero();
    }

    @Test
    void shouldFailNamingTheBatchOnThreads() {
        MemorySink sink = new MemorySink();
        long t0 = System.nanoTime();
        PipelineRun run = pipeline(Placement.THREADS, sink).start();

        assertThatThrownBy(() -> run.await(Duration.ofSeconds(20)))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("batch 7 (lines 702..801)")
                .hasMessageContaining("batch timeout of 700 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
}
