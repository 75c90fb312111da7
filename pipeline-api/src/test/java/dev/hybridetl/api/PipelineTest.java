package dev.hybridetl.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PipelineTest {

    private static Transform upperCaseRejectingBlanks() {
        return (in, out) -> {
            for (int i = 0; i < in.size(); i++) {
                if (in.length(i) == 0) {
                    out.reject(in.position(i), "blank", in.data(), in.offset(i), 0);
                } else {
                    out.add(in.position(i), new String(in.recordCopy(i), StandardCharsets.ISO_8859_1).toUpperCase());
                }
            }
        };
    }

    @Test
    void shouldDeliverBatchesInInputOrderWhenStagesFinishOutOfOrder() {
        List<String> lines = IntStream.range(0, 5_000).mapToObj(i -> i % 97 == 0 ? "" : "line" + i).toList();
        MemorySink sink = new MemorySink();
        MemorySource source = new MemorySource(lines, 37);

        PipelineResult result = Pipeline.builder()
                .source(source)
                .stage(Stage.local("upper", PipelineTest::upperCaseRejectingBlanks).withWorkers(2))
                .stage(Stage.local("again", PipelineTest::upperCaseRejectingBlanks).withWorkers(2))
                .sink(sink)
                .maxInFlightBatches(8)
                .build()
                .run();

        List<String> expected = new ArrayList<>();
        for (String l : lines) {
            if (!l.isEmpty()) {
                expected.add(l.toUpperCase());
            }
        }
        assertThat(sink.records).containsExactlyElementsOf(expected);
        assertThat(sink.sequences).isSorted().hasSize((5_000 + 36) / 37);
        assertThat(sink.rejects).extracting(Reject::reason).containsOnly("blank");
        assertThat(sink.rejects).extracting(Reject::position).isSorted();
        assertThat(result.recordsIn()).isEqualTo(5_000);
        assertThat(result.recordsOut() + result.recordsRejected()).isEqualTo(result.recordsIn());
        assertThat(result.stages()).extracting(StageResult::name).containsExactly("source", "upper", "again", "sink");
        assertThat(source.closes.get()).isEqualTo(1);
    }

    @Test
    void shouldNameStageAndBatchWhenTransformThrows() {
        Transform failing = (in, out) -> {
            if (in.sequence() == 3) {
                throw new IllegalStateException("boom");
            }
        };
        Pipeline p = Pipeline.builder()
                .source(new MemorySource(IntStream.range(0, 100).mapToObj(i -> "r" + i).toList(), 10))
                .stage(Stage.local("exploding", () -> failing).withWorkers(1))
                .sink(new MemorySink())
                .build();

        assertThatThrownBy(p::run)
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("stage 'exploding'")
                .hasMessageContaining("batch 3")
                .hasMessageContaining("lines 32..41")
                .hasMessageContaining("boom");
    }

    @Test
    void shouldRefuseLocalTransformWhenPlacedOnProcesses() {
        Pipeline.Builder b = Pipeline.builder()
                .source(new MemorySource(List.of(), 1))
                .stage(Stage.local("lambda", () -> (in, out) -> { }).withPlacement(Placement.PROCESSES))
                .sink(new MemorySink());

        assertThatThrownBy(b::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stage 'lambda' is a local Java object")
                .hasMessageContaining("cannot be placed on processes")
                .hasMessageContaining("Stage.plugin(id)");
    }

    @Test
    void shouldListKnownTransformsWhenPluginIdIsUnknown() {
        Pipeline.Builder b = Pipeline.builder()
                .source(new MemorySource(List.of(), 1))
                .stage(Stage.plugin("no-such-transform"))
                .sink(new MemorySink());

        assertThatThrownBy(b::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown transform 'no-such-transform'")
                .hasMessageContaining("known transforms:");
    }

    @Test
    void shouldRefuseIncompletePipelineWhenPartIsMissing() {
        assertThatThrownBy(() -> Pipeline.builder().sink(new MemorySink()).build())
                .hasMessageContaining("no source");
        assertThatThrownBy(() -> Pipeline.builder().source(new MemorySource(List.of(), 1)).sink(new MemorySink()).build())
                .hasMessageContaining("no stage");
        assertThatThrownBy(() -> Stage.plugin("x").withWorkers(0)).hasMessageContaining("was 0");
        assertThatThrownBy(() -> Pipeline.builder().source(new MemorySource(List.of(), 1))
                .stage(Stage.local("a", () -> (in, out) -> { })).stage(Stage.local("a", () -> (in, out) -> { }))
                .sink(new MemorySink()).build())
                .hasMessageContaining("two stages are named 'a'");
    }

    @Test
    void shouldCompleteExceptionallyAndCloseSourceWhenCancelled() throws Exception {
        MemorySource source = new MemorySource(IntStream.range(0, 1000).mapToObj(i -> "r" + i).toList(), 1);
        Transform slow = (in, out) -> {
            try {
                Thread.sleep(5); // a deliberately slow transform, so that the run is still going when cancelled
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        PipelineRun run = Pipeline.builder().source(source).stage(Stage.local("slow", () -> slow).withWorkers(1))
                .sink(new MemorySink()).build().start();

        run.cancel();

        assertThatThrownBy(() -> run.await(Duration.ofSeconds(10))).isInstanceOf(PipelineException.class)
                .hasMessageContaining("cancelled");
        assertThat(run.isDone()).isTrue();
    }
}
