package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.PipelineRun;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.Stage;
import dev.hybridetl.api.StageResult;
import dev.hybridetl.api.WorkerPool;
import dev.hybridetl.ipc.JvmAccess;
import dev.hybridetl.test.LeakCheck;
import dev.hybridetl.test.MemorySink;
import dev.hybridetl.test.MemorySource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worker pool with real worker JVMs: reuse, compatibility, bounds, and that nothing outlives it. */
@Timeout(120)
@ExtendWith(LeakCheck.class)
class WorkerPoolTest {
    private static final List<String> LINES = IntStream.range(0, 1200)
            .mapToObj(i -> "row " + i + " flight ab" + (i % 97) + " from sfo to jfk")
            .collect(Collectors.toList());

    @Test
    void shouldReuseTheSameWorkerProcessesForASecondRunWithTheSameOutputAsThreads() throws Exception {
        List<String> threads = run(Placement.THREADS, null, ProcessSettings.defaults()).records();
        try (WorkerPool pool = WorkerPool.create(4, Duration.ofMinutes(1))) {
            MemorySink first = run(Placement.PROCESSES, pool, ProcessSettings.defaults());
            Set<Long> afterFirst = liveChildren();
            assertThat(afterFirst).hasSize(2);
            assertThat(pool.idleWorkers()).isEqualTo(2);

            MemorySink second = run(Placement.PROCESSES, pool, ProcessSettings.defaults());

            assertThat(liveChildren()).as("the second run's workers are the first run's").isEqualTo(afterFirst);
            assertThat(pool.idleWorkers()).isEqualTo(2);
            assertThat(first.records()).containsExactlyElementsOf(threads);
            assertThat(second.records()).containsExactlyElementsOf(threads);
        }
        assertThat(liveChildren()).as("closing the pool ends its workers").isEmpty();
    }

    @Test
    void shouldStartFreshWorkersWhenTheSettingsAreIncompatible() throws Exception {
        try (WorkerPool pool = WorkerPool.create(4, Duration.ofMinutes(1))) {
            run(Placement.PROCESSES, pool, ProcessSettings.defaults());
            Set<Long> first = liveChildren();

            run(Placement.PROCESSES, pool, ProcessSettings.defaults().withWorkerHeapMb(96));

            Set<Long> all = liveChildren();
            assertThat(all).hasSize(4).containsAll(first);
            assertThat(pool.idleWorkers()).isEqualTo(4);
        }
        assertThat(liveChildren()).isEmpty();
    }

    @Test
    void shouldKeepNoMoreIdleWorkersThanItsBoundAndRetireThemAfterTheIdleTimeout() throws Exception {
        try (WorkerPool pool = WorkerPool.create(2, Duration.ofMillis(500))) {
            pool.prestart(ProcessSettings.defaults(), 5);
            assertThat(pool.idleWorkers()).isEqualTo(2);
            assertThat(liveChildren()).hasSize(2);

            awaitCondition(() -> liveChildren().isEmpty(), Duration.ofSeconds(30));
            assertThat(pool.idleWorkers()).isZero();
        }
    }

    @Test
    void shouldGiveARunThePrestartedWorkersAndTheSameOutput() throws Exception {
        List<String> threads = run(Placement.THREADS, null, ProcessSettings.defaults()).records();
        try (WorkerPool pool = WorkerPool.create(2).prestart(ProcessSettings.defaults(), 2)) {
            Set<Long> prestarted = liveChildren();
            assertThat(prestarted).hasSize(2);

            MemorySink sink = run(Placement.PROCESSES, pool, ProcessSettings.defaults());

            assertThat(sink.records()).containsExactlyElementsOf(threads);
            assertThat(liveChildren()).isEqualTo(prestarted);
        }
    }

    @Test
    void shouldNeverGiveBackAWorkerThatWasKilled() throws Exception {
        try (WorkerPool pool = WorkerPool.create(4, Duration.ofMinutes(1))) {
            MemorySink sink = new MemorySink();
            PipelineRun run = pipeline(Stage.plugin("test-kit-upper").withConfig("delayMs", "20"),
                    Placement.PROCESSES, pool, ProcessSettings.defaults(), sink).start();
            awaitCondition(() -> run.progress().recordsOut() >= 200, Duration.ofSeconds(60));
            ProcessHandle victim = ProcessHandle.current().children().filter(ProcessHandle::isAlive).findFirst()
                    .orElseThrow();
            assertThat(victim.destroyForcibly()).isTrue();

            PipelineResult result = run.await(Duration.ofSeconds(90));

            assertThat(result.stages().get(1).workers().stream().mapToInt(StageResult.WorkerResult::restarts).sum())
                    .isEqualTo(1);
            assertThat(sink.records()).hasSize(LINES.size());
            // the survivor, and the replacement if it got ready before the end (one still starting is killed)
            Set<Long> idle = liveChildren();
            assertThat(idle).isNotEmpty().doesNotContain(victim.pid());
            assertThat(pool.idleWorkers()).isEqualTo(idle.size());
        }
    }

    @Test
    void shouldNotGiveBackAWorkerThatRanOutOfMemoryOnABatch() throws Exception {
        List<String> threads = run(Placement.THREADS, null, ProcessSettings.defaults()).records();
        try (WorkerPool pool = WorkerPool.create(4, Duration.ofMinutes(1))) {
            MemorySink sink = new MemorySink();
            // batch 3 throws OutOfMemoryError once: the worker survives, the batch is retried in halves
            pipeline(Stage.plugin("test-kit-fail").withConfig("throw", "OutOfMemoryError").withConfig("atBatch", "3"),
                    Placement.PROCESSES, pool, ProcessSettings.defaults(), sink).run();

            assertThat(sink.records()).containsExactlyElementsOf(threads);
            assertThat(pool.idleWorkers()).as("only the worker that did not run out of memory").isEqualTo(1);
            assertThat(liveChildren()).hasSize(1);
        }
    }

    @Test
    void shouldEndTheWorkersOfAClosedPoolsRunsWithTheirStage() throws Exception {
        WorkerPool pool = WorkerPool.create(2);
        pool.close();
        List<String> threads = run(Placement.THREADS, null, ProcessSettings.defaults()).records();

        MemorySink sink = run(Placement.PROCESSES, pool, ProcessSettings.defaults());

        assertThat(sink.records()).containsExactlyElementsOf(threads);
        assertThat(liveChildren()).isEmpty();
        assertThat(pool.idleWorkers()).isZero();
        assertThatThrownBy(() -> WorkerPool.create(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 0");
    }

    @Test
    void shouldEndIdleWorkersWhenTheirJvmExitsWithoutClosingThePool() throws Exception {
        assertIdleWorkersEndWithTheirHost("exit");
    }

    @Test
    void shouldEndIdleWorkersWhenTheirJvmIsKilled() throws Exception {
        assertIdleWorkersEndWithTheirHost("wait");
    }

    /** Starts a {@link PoolHostMain}, waits for its two idle workers, then lets it exit or kills it (kill -9). */
    private static void assertIdleWorkersEndWithTheirHost(String how) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(JvmAccess.childJvmFlags());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PoolHostMain.class.getName());
        cmd.add(how);
        Process host = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var out = new BufferedReader(new InputStreamReader(host.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("ready 2");
            List<ProcessHandle> workers = host.toHandle().children().filter(ProcessHandle::isAlive)
                    .collect(Collectors.toList());
            assertThat(workers).hasSize(2);
            if (how.equals("wait")) {
                host.destroyForcibly();
            } else {
                host.getOutputStream().write('\n');
                host.getOutputStream().close();
            }
            assertThat(host.waitFor(30, TimeUnit.SECONDS)).isTrue();
            awaitCondition(() -> workers.stream().noneMatch(WorkerPoolTest::running), Duration.ofSeconds(10));
        } finally {
            host.destroyForcibly();
        }
    }

    /** Alive and not a zombie (in a container PID 1 may never reap an orphan). */
    private static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    private MemorySink run(Placement placement, WorkerPool pool, ProcessSettings settings) {
        MemorySink sink = new MemorySink();
        pipeline(Stage.plugin("test-kit-upper"), placement, pool, settings, sink).run();
        return sink;
    }

    private static Pipeline pipeline(Stage stage, Placement placement, WorkerPool pool, ProcessSettings settings,
                                     MemorySink sink) {
        Pipeline.Builder b = Pipeline.builder()
                .source(MemorySource.of("id,text", LINES).withLinesPerBatch(50))
                .stage(stage.withName("upper").withPlacement(placement).withWorkers(2))
                .sink(sink)
                .processSettings(settings);
        if (pool != null) {
            b.workerPool(pool);
        }
        return b.build();
    }

    private static Set<Long> liveChildren() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    private static void awaitCondition(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within " + timeout).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
