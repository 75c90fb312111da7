package dev.hybridetl.test;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.PipelineRun;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Stage;
import dev.hybridetl.api.StageMetrics;
import dev.hybridetl.api.spi.StageRunner;
import dev.hybridetl.api.spi.StageRunnerContext;
import dev.hybridetl.api.spi.StageRunnerFactory;
import dev.hybridetl.test.internal.CountingProvider;
import dev.hybridetl.test.internal.Failure;
import dev.hybridetl.test.internal.FailureMessage;
import dev.hybridetl.test.internal.FailingProvider;
import dev.hybridetl.test.internal.KitInputs;
import dev.hybridetl.test.internal.LineDiff;
import dev.hybridetl.test.internal.Phase;
import dev.hybridetl.test.internal.ReferenceRun;
import dev.hybridetl.test.internal.RunOutcome;
import dev.hybridetl.test.internal.SinkBytes;
import dev.hybridetl.test.internal.ThrowMarker;
import dev.hybridetl.test.internal.UpperCaseProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;
import reactor.core.publisher.Flux;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What every {@link StageRunner} must do, as JUnit 5 tests: extend this class, say which factory to test, and run
 * it with the other tests of the placement's module.
 *
 * <pre>{@code
 * class ThreadRunnerCompatibilityTest extends StageRunnerCompatibilityKit {
 *     @Override
 *     protected StageRunnerFactory factory() {
 *         return new ThreadStageRunnerFactory();
 *     }
 * }
 * }</pre>
 *
 * <p>Most cases run a real {@link Pipeline} ({@link MemorySource} → one stage → {@link MemorySink}), so the factory
 * must be the one pipelines find for its placement ({@code META-INF/services}); the close cases drive a runner
 * directly. The transforms are the kit's own plugins ({@code test-kit-upper}, {@code test-kit-count},
 * {@code test-kit-fail}), registered by the kit's jar, so worker processes launched with the test class path find
 * them too. Every case runs under {@link LeakCheck}: it also fails if the run leaves a thread, process, file
 * descriptor or queue directory behind.
 *
 * <p>Timeouts are short on purpose: a failing transform must fail the run within {@link #promptly()} (2 s) of its
 * throw, a cancelled run must end within 2 s, and {@code close()} must return within 2 s. A case that hangs fails
 * after its timeout, cancels the run and moves on; nothing is retried.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class StageRunnerCompatibilityKit {
    /** The name of the stage under test in every case; different from every plugin id, so messages must use it. */
    protected static final String STAGE = "kit-stage";
    private static final int IN_FLIGHT = 8;

    @TempDir
    Path dir;

    /** The factory under test. */
    protected abstract StageRunnerFactory factory();

    /** Workers of the stage under test; default 2. */
    protected int workers() {
        return 2;
    }

    /** How soon a run must fail after its transform threw, end after a cancel, and a close must return: 2 s. */
    protected Duration promptly() {
        return Duration.ofSeconds(2);
    }

    /** How long a run may take to reach its transform (worker start-up included), or a runner to start: 60 s. */
    protected Duration startupTimeout() {
        return Duration.ofSeconds(60);
    }

    /** How long a whole successful run may take: 60 s. */
    protected Duration runTimeout() {
        return Duration.ofSeconds(60);
    }

    // ------------------------------------------------------------------ results

    @Test
    @DisplayName("pipelines use this factory for its placement")
    void pipelinesUseThisFactory() {
        Placement placement = factory().placement();
        assertNotNull(placement, "factory().placement()");
        StageRunnerFactory found = ServiceLoader.load(StageRunnerFactory.class, Pipeline.class.getClassLoader())
                .stream().map(ServiceLoader.Provider::get).filter(f -> f.placement() == placement).findFirst()
                .orElse(null);
        assertNotNull(found, "no StageRunnerFactory for " + placement.cliName() + " is registered in"
                + " META-INF/services/dev.hybridetl.api.spi.StageRunnerFactory, so no pipeline can use it");
        assertEquals(factory().getClass(), found.getClass(), "pipelines use the first factory registered for "
                + placement.cliName() + ", which is not the one under test");
    }

    @Test
    @DisplayName("results come back in sequence order through a pipeline, although batches finish out of order")
    void restoresSequenceOrder() {
        List<String> rows = KitInputs.rows(2_000);
        MemorySink sink = new MemorySink();
        PipelineResult result = succeed(Stage.plugin(UpperCaseProvider.ID).withConfig("jitterMs", "2"),
                MemorySource.of(KitInputs.HEADER, rows).withLinesPerBatch(5), sink);

        assertEquals(LongStream.range(0, 400).boxed().toList(), sink.sequences(), "sequences reaching the sink");
        StringBuilder expected = new StringBuilder();
        rows.forEach(r -> expected.append(r.toUpperCase(Locale.ROOT)).append('\n'));
        LineDiff.assertSameBytes("outputs", "expected", expected.toString().getBytes(StandardCharsets.ISO_8859_1),
                placement().cliName(), sink.output());
        assertEquals(2_000, result.recordsOut(), "records out");
        assertEquals(workers(), result.stages().get(1).workers().size(), "worker results of the stage");
    }

    @ParameterizedTest(name = "{0}: the same bytes as the transform run on the test thread")
    @ValueSource(strings = {UpperCaseProvider.ID, CountingProvider.ID})
    void writesTheReferenceBytes(String pluginId) throws Exception {
        MemorySource source = MemorySource.ofBytes(KitInputs.awkward()).withLinesPerBatch(7);
        MemorySink sink = new MemorySink();
        succeed(Stage.plugin(pluginId), source, sink);

        List<RecordBatch> reference = ReferenceRun.run(pluginId, Map.of(), STAGE, source.header(),
                source.batches(Pipeline.DEFAULT_BATCH_BYTES));
        String name = placement().cliName();
        LineDiff.assertSameBytes("outputs", "reference", SinkBytes.records(reference), name, sink.output());
        LineDiff.assertSameBytes("rejects", "reference", SinkBytes.rejects(reference), name, sink.rejectsOutput());
    }

    // ------------------------------------------------------------------ failures and cancel

    @Test
    @DisplayName("an exception from a transform names the stage, the batch and its lines")
    void errorNamesStageAndBatch() {
        PipelineRun run = pipeline(failing("RuntimeException", "process", 3),
                MemorySource.of(KitInputs.HEADER, KitInputs.rows(40)).withLinesPerBatch(4), new MemorySink())
                .start();
        RunOutcome outcome = RunOutcome.await(run, runTimeout(), "the run");

        assertTrue(outcome.failed(), "the run succeeded although batch 3 threw");
        String message = outcome.failure().getMessage();
        for (String part : List.of("'" + STAGE + "'", "batch 3", "lines 14..17", Failure.MESSAGE)) {
            assertTrue(message.contains(part), "the message does not contain \"" + part + "\": " + message);
        }
    }

    static Stream<Arguments> failures() {
        return Arrays.stream(Phase.values()).flatMap(phase -> Arrays.stream(Failure.values())
                .map(f -> Arguments.of(phase.word(), f.className())));
    }

    @ParameterizedTest(name = "{1} thrown from {0}")
    @MethodSource("dev.hybridetl.test.StageRunnerCompatibilityKit#failures")
    void failsPromptlyWithOneMessage(String phaseName, String thrownName) throws InterruptedException {
        Phase phase = Phase.parse(phaseName);
        Failure thrown = Failure.parse(thrownName);
        long atBatch = 2;
        ThrowMarker marker = new ThrowMarker(dir);
        // By line, not by batch sequence: a runner may retry the batch's records in other batches (the processes
        // placement retries an out-of-memory batch in halves), and the failure must follow the record.
        int linesPerBatch = 4;
        long atLine = 2 + atBatch * linesPerBatch; // the header is line 1
        PipelineRun run = pipeline(failing(thrownName, phaseName, atBatch).withConfig("atLine", Long.toString(atLine))
                        .withConfig("markerFile", marker.path()),
                MemorySource.of(KitInputs.HEADER, KitInputs.rows(40)).withLinesPerBatch(linesPerBatch),
                new MemorySink()).start();
        CompletableFuture<Long> endedAt = run.completion().handle((r, e) -> System.currentTimeMillis());

        String what = thrownName + " thrown from " + phaseName;
        long thrownAt = marker.awaitThrow(run, startupTimeout(), what);
        long tookMs;
        try {
            tookMs = endedAt.get(Math.max(0, thrownAt + promptly().toMillis() - System.currentTimeMillis()),
                    TimeUnit.MILLISECONDS) - thrownAt;
        } catch (TimeoutException | ExecutionException e) {
            throw new AssertionFailedError("the run was still going " + (System.currentTimeMillis() - thrownAt)
                    + " ms after the transform threw " + what + " (limit " + RunOutcome.seconds(promptly()) + "); "
                    + RunOutcome.cancelAndWait(run));
        }
        Throwable error = run.completion().handle((r, e) -> e).join();
        if (error == null) {
            PipelineResult r = run.completion().join();
            throw new AssertionFailedError("the run succeeded although the transform threw " + what + " ("
                    + r.recordsOut() + " records out, " + r.recordsRejected() + " rejected)");
        }
        error = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        PipelineException failure = assertInstanceOf(PipelineException.class, error, what + ": the run failed, "
                + tookMs + " ms after the throw, but not with a PipelineException: " + error);
        List<String> problems = FailureMessage.problems(failure.getMessage(), STAGE, thrown, phase, atBatch);
        assertTrue(problems.isEmpty(), what + ": the run failed " + tookMs + " ms after the throw, but its message "
                + String.join(", ", problems) + ": \"" + failure.getMessage() + "\"");
    }

    @Test
    @DisplayName("a run cancelled mid-way ends promptly")
    void cancelMidRun() throws InterruptedException {
        MemorySink sink = new MemorySink();
        PipelineRun run = pipeline(Stage.plugin(UpperCaseProvider.ID).withConfig("delayMs", "20"),
                MemorySource.of(KitInputs.HEADER, KitInputs.rows(2_000)).withLinesPerBatch(1), sink).start();
        long deadline = System.nanoTime() + startupTimeout().toNanos();
        while (run.progress().recordsOut() == 0 && !run.isDone()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionFailedError("no record came out within " + RunOutcome.seconds(startupTimeout()) + "; "
                        + RunOutcome.cancelAndWait(run));
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        assertFalse(run.isDone(), "the run ended before it could be cancelled");

        long cancelledAt = System.nanoTime();
        run.cancel();
        try {
            run.await(promptly());
            fail("the run completed successfully although it was cancelled");
        } catch (PipelineException e) {
            assertTrue(e.getMessage().contains("cancel"), "the run ended, but not as cancelled: " + e.getMessage());
        } catch (TimeoutException e) {
            throw new AssertionFailedError("the run had not ended " + RunOutcome.seconds(promptly()) + " after cancel(); "
                    + RunOutcome.cancelAndWait(run));
        }
        assertFalse(sink.completed(), "the sink completed although the run was cancelled after "
                + Duration.ofNanos(System.nanoTime() - cancelledAt).toMillis() + " ms");
    }

    // ------------------------------------------------------------------ the runner's own contract

    @Test
    @DisplayName("close() returns promptly, twice")
    void closeTwice() {
        MemorySource source = MemorySource.of(KitInputs.HEADER, KitInputs.rows(20)).withLinesPerBatch(5);
        StageRunner runner = startRunner(Stage.plugin(UpperCaseProvider.ID), source.header());
        try {
            List<RecordBatch> out = Flux.fromIterable(source.batches(Pipeline.DEFAULT_BATCH_BYTES))
                    .flatMapSequential(runner::process, IN_FLIGHT, 1).collectList().block(runTimeout());
            assertNotNull(out, "no output");
            assertEquals(KitInputs.rows(20).stream().map(r -> r.toUpperCase(Locale.ROOT)).toList(),
                    SinkBytes.recordTexts(out), "records of the 4 batches");
        } finally {
            closePromptly(runner, "close()");
        }
        closePromptly(runner, "a second close()");
        assertEquals(workers(), runner.workerResults().size(), "workerResults() after close()");
    }

    @Test
    @DisplayName("close() returns promptly after a batch failed")
    void closeAfterFailure() throws Exception {
        MemorySource source = MemorySource.of(KitInputs.HEADER, KitInputs.rows(20)).withLinesPerBatch(5);
        List<RecordBatch> batches = source.batches(Pipeline.DEFAULT_BATCH_BYTES);
        StageRunner runner = startRunner(failing("RuntimeException", "process", 1), source.header());
        try {
            RecordBatch first = runner.process(batches.get(0)).toFuture()
                    .get(runTimeout().toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(5, first.size(), "records of batch 0");
            try {
                runner.process(batches.get(1)).toFuture().get(promptly().toMillis(), TimeUnit.MILLISECONDS);
                fail("batch 1 succeeded although its transform threw");
            } catch (TimeoutException e) {
                fail("batch 1 neither failed nor succeeded within " + RunOutcome.seconds(promptly()));
            } catch (ExecutionException e) {
                assertTrue(String.valueOf(e.getCause()).contains(Failure.MESSAGE),
                        "the error of batch 1 lost the transform's message: " + e.getCause());
            }
        } finally {
            closePromptly(runner, "close() after the failure");
        }
        closePromptly(runner, "a second close() after the failure");
    }

    // ------------------------------------------------------------------ helpers

    private Placement placement() {
        return factory().placement();
    }

    private static Stage failing(String thrown, String phase, long atBatch) {
        return Stage.plugin(FailingProvider.ID).withConfig("throw", thrown).withConfig("phase", phase)
                .withConfig("atBatch", Long.toString(atBatch));
    }

    private Pipeline pipeline(Stage stage, MemorySource source, MemorySink sink) {
        return Pipeline.builder().source(source)
                .stage(stage.withName(STAGE).withPlacement(placement()).withWorkers(workers()))
                .sink(sink).maxInFlightBatches(IN_FLIGHT).build();
    }

    private PipelineResult succeed(Stage stage, MemorySource source, MemorySink sink) {
        RunOutcome outcome = RunOutcome.await(pipeline(stage, source, sink).start(), runTimeout(), "the run");
        if (outcome.failed()) {
            throw new AssertionError("the run failed: " + outcome.failure().getMessage(), outcome.failure());
        }
        assertTrue(sink.completed(), "the run succeeded but the sink did not complete");
        return outcome.result();
    }

    private StageRunner startRunner(Stage stage, String header) {
        Stage s = stage.withName(STAGE).withPlacement(placement()).withWorkers(workers());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StageRunnerContext ctx = new StageRunnerContext(s, 0, header, IN_FLIGHT,
                new StageMetrics(STAGE, placement().cliName(), registry), ProcessSettings.defaults(), registry);
        return assertTimeoutPreemptively(startupTimeout(), () -> factory().start(ctx), "starting the runner");
    }

    private void closePromptly(StageRunner runner, String what) {
        assertTimeoutPreemptively(promptly(), runner::close, what);
    }
}
