package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.PipelineRun;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.Stage;
import dev.hybridetl.api.StageResult;
import dev.hybridetl.test.LeakCheck;
import dev.hybridetl.test.MemorySink;
import dev.hybridetl.test.MemorySource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** End-to-end tests of the processes placement: real worker JVMs, real queues; none may leave anything behind. */
@Timeout(120)
@ExtendWith(LeakCheck.class)
class ProcessStageRunnerTest {
    private static final List<String> LINES = IntStream.range(0, 1500)
            .mapToObj(i -> "row " + i + " flight ab" + (i % 97) + " from sfo to jfk")
            .collect(Collectors.toList());

    @TempDir
    Path tmp;

    @BeforeAll
    static void smallSegments() {
        // 16 KiB segments: every run rolls the input queue many times, so reclamation is exercised.
        System.setProperty(ProcessStageSettings.SEGMENT_BYTES_PROPERTY, Integer.toString(16 * 1024));
    }

    @AfterAll
    static void defaultSegments() {
        System.clearProperty(ProcessStageSettings.SEGMENT_BYTES_PROPERTY);
    }

    @Test
    void shouldMatchTheExpectedOutputAndRemoveTheQueueDirWhenRunOnTwoWorkers() throws Exception {
        Path queueDir = tmp.resolve("queues");
        MemorySink sink = new MemorySink();
        PipelineResult result = pipeline("upper", Stage.plugin("test-kit-upper"), sink,
                ProcessSettings.defaults().withQueueDir(queueDir)).run();

        assertThat(sink.records()).containsExactlyElementsOf(expected(LINES));
        assertThat(sink.rejects()).isEmpty();
        StageResult stage = result.stages().get(1);
        assertThat(stage.kind()).isEqualTo("processes");
        assertThat(stage.recordsOut()).isEqualTo(LINES.size());
        assertThat(stage.workers()).hasSize(2);
        assertThat(stage.workers().stream().mapToLong(StageResult.WorkerResult::batches).sum()).isEqualTo(30);
        assertThat(stage.workers()).allSatisfy(w -> assertThat(w.startupNanos()).isPositive());
        assertThat(queueDir).as("queue directory removed after success").doesNotExist();
    }

    @Test
    void shouldCarryResultFramesLargerThanARingMessageThroughTheSmallestRing() throws Exception {
        // The smallest ring (64 KiB) takes messages up to 8 KiB; these batches' results are about 40 KiB each, so
        // every result crosses in fragments, and the run as a whole wraps the ring a dozen times.
        List<String> lines = IntStream.range(0, 2000)
                .mapToObj(i -> "row " + i + " " + "payload-".repeat(50) + (i * 7919))
                .collect(Collectors.toList());
        System.setProperty(ProcessStageSettings.RESULT_RING_BYTES_PROPERTY, Integer.toString(64 * 1024));
        try {
            Path queueDir = tmp.resolve("queues");
            MemorySink sink = new MemorySink();
            Pipeline.builder()
                    .source(MemorySource.of("id,text", lines).withLinesPerBatch(100))
                    .stage(Stage.plugin("test-kit-upper").withPlacement(Placement.PROCESSES).withWorkers(2))
                    .sink(sink)
                    .processSettings(ProcessSettings.defaults().withQueueDir(queueDir))
                    .build().run();

            assertThat(sink.records()).containsExactlyElementsOf(expected(lines));
            assertThat(queueDir).as("queue directory removed after success").doesNotExist();
        } finally {
            System.clearProperty(ProcessStageSettings.RESULT_RING_BYTES_PROPERTY);
        }
    }

    @Test
    void shouldDeleteInputSegmentsWhileTheRunGoesOn() throws Exception {
        List<String> lines = IntStream.range(0, 20_000).mapToObj(i -> "row " + i + " flight ab" + (i % 97))
                .collect(Collectors.toList());
        Path queueDir = tmp.resolve("queues");
        MemorySink sink = new MemorySink();
        PipelineRun run = Pipeline.builder()
                .source(MemorySource.of("id,text", lines).withLinesPerBatch(100))
                .stage(Stage.plugin("test-kit-upper").withConfig("delayMs", "5").withPlacement(Placement.PROCESSES)
                        .withWorkers(2))
                .sink(sink)
                .processSettings(ProcessSettings.defaults().withQueueDir(queueDir))
                .build().start();
        int mostAtOnce = 0;
        long highestSegment = -1;
        while (!run.completion().isDone()) {
            List<Long> segments = inputSegments(queueDir);
            mostAtOnce = Math.max(mostAtOnce, segments.size());
            for (long segment : segments) {
                highestSegment = Math.max(highestSegment, segment);
            }
            Thread.sleep(5);
        }
        run.await(Duration.ofSeconds(60));

        assertThat(sink.records()).containsExactlyElementsOf(expected(lines));
        assertThat(highestSegment).as("16 KiB segments written").isGreaterThanOrEqualTo(20);
        // The window holds 6 batches of ~2.3 KiB: the segment being written, and at most the one before it.
        assertThat(mostAtOnce).as("input segments on disk at once").isBetween(1, 3);
    }

    @Test
    void shouldCompleteWithoutLossOrDuplicateWhenAWorkerIsKilledMidRun() throws Exception {
        MemorySink sink = new MemorySink();
        PipelineRun run = pipeline("slow", Stage.plugin("test-kit-upper").withConfig("delayMs", "40"), sink,
                ProcessSettings.defaults()).start();
        awaitCondition(() -> run.progress().recordsOut() >= 200, Duration.ofSeconds(60));
        ProcessHandle victim = ProcessHandle.current().children().filter(ProcessHandle::isAlive).findFirst()
                .orElseThrow();
        assertThat(victim.destroyForcibly()).isTrue();

        PipelineResult result = run.await(Duration.ofSeconds(90));
        assertThat(sink.records()).containsExactlyElementsOf(expected(LINES));
        assertThat(result.stages().get(1).workers().stream().mapToInt(StageResult.WorkerResult::restarts).sum())
                .isEqualTo(1);
    }

    @Test
    void shouldReplaceAFrozenWorkerWhenItsHeartbeatStops() throws Exception {
        MemorySink sink = new MemorySink();
        PipelineRun run = pipeline("slow", Stage.plugin("test-kit-upper").withConfig("delayMs", "40"), sink,
                ProcessSettings.defaults()).start();
        awaitCondition(() -> run.progress().recordsOut() >= 200, Duration.ofSeconds(60));
        ProcessHandle frozen = ProcessHandle.current().children().filter(ProcessHandle::isAlive).findFirst()
                .orElseThrow();

        // SIGSTOP freezes the whole JVM, watchdog thread included: only the heartbeat timeout can notice.
        Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(frozen.pid())).start();
        assertThat(stop.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(stop.exitValue()).isZero();

        PipelineResult result = run.await(Duration.ofSeconds(90));
        assertThat(sink.records()).containsExactlyElementsOf(expected(LINES));
        assertThat(frozen.isAlive()).as("the frozen worker was killed").isFalse();
        assertThat(result.stages().get(1).workers().stream().mapToInt(StageResult.WorkerResult::restarts).sum())
                .isEqualTo(1);
    }

    @Test
    void shouldSplitAPoisonBatchUntilOnlyThePoisonRecordIsDeadLettered() throws Exception {
        List<String> lines = new java.util.ArrayList<>(LINES.subList(0, 500));
        lines.set(120, "this one is poison");
        MemorySink sink = new MemorySink();
        PipelineResult result = pipeline("poison", Stage.plugin("test-poison"), sink, ProcessSettings.defaults())
                .run();

        // Line 122 (index 120) halts every worker that transforms it; its 49 neighbours in batch 2 must survive.
        List<String> survivors = new java.util.ArrayList<>(lines);
        survivors.remove(120);
        assertThat(sink.records()).containsExactlyElementsOf(expected(survivors));
        assertThat(sink.rejects()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(Reject.Reasons.POISON_RECORD);
            assertThat(r.rawText()).isEqualTo("this one is poison");
            assertThat(r.position()).isEqualTo(122);
            assertThat(r.stage()).isEqualTo("poison");
            assertThat(r.attempts()).isGreaterThan(1);
        });
        // 2 deaths of the whole batch, then one per halving until a single record is left: 50 → 25 → 13 → 7 → 4
        // → 2 → 1 is 6 halvings.
        assertThat(result.stages().get(1).workers().stream().mapToInt(StageResult.WorkerResult::restarts).sum())
                .isBetween(7, 9);
    }

    @Test
    void shouldRefuseASecondPipelineOnTheSameQueueDirWithinOneSecondNamingThePid() throws Exception {
        Path queueDir = tmp.resolve("shared");
        MemorySink first = new MemorySink();
        PipelineRun running = pipeline("slow", Stage.plugin("test-kit-upper").withConfig("delayMs", "50"), first,
                ProcessSettings.defaults().withQueueDir(queueDir)).start();
        try {
            awaitCondition(() -> running.progress().recordsOut() > 0, Duration.ofSeconds(60));
            long t0 = System.nanoTime();
            PipelineRun second = pipeline("upper", Stage.plugin("test-kit-upper"),
                    new MemorySink(), ProcessSettings.defaults().withQueueDir(queueDir)).start();
            assertThatThrownBy(() -> second.await(Duration.ofSeconds(5)))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("in use by process " + ProcessHandle.current().pid());
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        } finally {
            running.cancel();
            running.completion().handle((r, e) -> null).get();
        }
        assertThat(queueDir.resolve("stage-0")).as("removed after a cancelled run").doesNotExist();
    }

    @Test
    void shouldKeepQueueFilesPrivateWhenAskedToKeepThem() throws Exception {
        Path queueDir = tmp.resolve("kept");
        pipeline("upper", Stage.plugin("test-kit-upper"), new MemorySink(),
                ProcessSettings.defaults().withQueueDir(queueDir).withKeepQueues(true)).run();
        List<Path> all;
        try (Stream<Path> walk = Files.walk(queueDir.resolve("stage-0"))) {
            all = walk.collect(Collectors.toList());
        }
        assertThat(all).anySatisfy(p -> assertThat(p.toString()).endsWith(".cq4"));
        for (Path p : all) {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
            assertThat(mode).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
        }
    }

    @Test
    void shouldFailNamingTheStageAndTheWorkersLastErrorWhenTheTransformCannotOpen() {
        Path queueDir = tmp.resolve("failed");
        PipelineRun run = pipeline("test-failing-open", Stage.plugin("test-failing-open"),
                new MemorySink(), ProcessSettings.defaults().withQueueDir(queueDir)).start();
        assertThatThrownBy(() -> run.await(Duration.ofSeconds(60)))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("test-failing-open")
                .hasMessageContaining("reference data missing");
        assertThat(queueDir.resolve("stage-0")).as("removed after a failure").doesNotExist();
    }

    private Pipeline pipeline(String name, Stage stage, MemorySink sink, ProcessSettings settings) {
        List<String> lines = name.equals("poison") ? poisonLines() : LINES;
        return Pipeline.builder()
                .source(MemorySource.of("id,text", lines).withLinesPerBatch(50))
                .stage(stage.withName(name).withPlacement(Placement.PROCESSES).withWorkers(2))
                .sink(sink)
                .processSettings(settings)
                .build();
    }

    private static List<String> poisonLines() {
        List<String> lines = new java.util.ArrayList<>(LINES.subList(0, 500));
        lines.set(120, "this one is poison");
        return lines;
    }

    /** The input segments now in the stage directories under {@code queueDir} (empty while there are none). */
    private static List<Long> inputSegments(Path queueDir) {
        List<Long> segments = new java.util.ArrayList<>();
        try (Stream<Path> stages = Files.list(queueDir)) {
            for (Path stage : stages.collect(Collectors.toList())) {
                try (Stream<Path> files = Files.list(stage)) {
                    files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("in-"))
                            .forEach(n -> segments.add(Long.parseLong(n.substring(3))));
                }
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // the directory is being created or removed: what was seen so far
        }
        return segments;
    }

    private static List<String> expected(List<String> lines) {
        return lines.stream().map(s -> s.toUpperCase(Locale.ROOT)).collect(Collectors.toList());
    }

    private static void awaitCondition(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within " + timeout).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
