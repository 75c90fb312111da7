package dev.hybridetl.test;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.Stage;
import dev.hybridetl.api.Transforms;
import dev.hybridetl.test.internal.RunOutcome;
import org.opentest4j.AssertionFailedError;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a transform plugin the way a pipeline runs it, on real placements, over input given as lines or a file, and
 * checks what it wrote. For plugin authors:
 *
 * <pre>{@code
 * TransformTestKit.plugin("my-id").config("k", "v")
 *         .input("a,b", "1,2", "oops")           // first line = header, as in a file
 *         .runInBothPlacements()                 // threads, then processes; fails unless byte-identical
 *         .assertOutputEquals(Path.of("src/test/resources/expected.jsonl"))
 *         .assertRejects(reject(3, "malformed"));
 * }</pre>
 *
 * <p>Every run goes through a real {@link Pipeline} with a {@link MemorySource} and a {@link MemorySink}; the
 * placements are the ones on the test class path (add {@code cpu-stage} with test scope), found as the pipeline
 * finds them. By default the input is cut into batches of 2 lines for 2 workers, so that even a small input spans
 * several batches and workers and the placement must restore their order. The {@code processes} placement needs
 * JVM flags in the test JVM (see {@code docs/testing.md}); without them the run fails at once, naming them.
 *
 * <p>Not thread-safe: a fluent, mutable description of runs; each run method starts fresh runs.
 */
public final class TransformTestKit {
    /** How long one run may take by default, worker start-up included. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final String pluginId;
    private final Map<String, String> config = new LinkedHashMap<>();
    private MemorySource input = MemorySource.ofLines(List.of());
    private int workers = 2;
    private int linesPerBatch = 2;
    private Duration timeout = DEFAULT_TIMEOUT;
    private ProcessSettings processSettings = ProcessSettings.defaults();

    private TransformTestKit(String pluginId) {
        this.pluginId = pluginId;
    }

    /**
     * Starts describing runs of the plugin with this id.
     *
     * @throws IllegalArgumentException naming the known ids, if no plugin has this one
     */
    public static TransformTestKit plugin(String pluginId) {
        Transforms.get(Objects.requireNonNull(pluginId, "pluginId"));
        return new TransformTestKit(pluginId);
    }

    /** A reject expected at this line number (the header is line 1) with this reason. */
    public static ExpectedReject reject(long line, String reason) {
        return new ExpectedReject(line, reason, null);
    }

    /** Adds one configuration entry, as {@code --config key=value} would. */
    public TransformTestKit config(String key, String value) {
        config.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Adds these configuration entries. */
    public TransformTestKit config(Map<String, String> entries) {
        entries.forEach(this::config);
        return this;
    }

    /** The input as whole lines, the first being the header (ISO-8859-1, as bytes are read from a file). */
    public TransformTestKit input(String... lines) {
        return input(List.of(lines));
    }

    /** The input as whole lines, the first being the header. */
    public TransformTestKit input(List<String> lines) {
        this.input = MemorySource.ofLines(lines);
        return this;
    }

    /** The input read from a file (gzip if its name ends in {@code .gz}), split into lines as the file source does. */
    public TransformTestKit input(Path file) {
        this.input = MemorySource.read(file);
        return this;
    }

    /** Workers (threads or processes) per run; default 2. */
    public TransformTestKit workers(int workers) {
        this.workers = workers;
        return this;
    }

    /** Records per batch; default 2. */
    public TransformTestKit linesPerBatch(int lines) {
        this.linesPerBatch = lines;
        return this;
    }

    /** How long one run may take before it fails the test (it is then cancelled); default 60 s. */
    public TransformTestKit timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** Settings for the processes placement (worker heap, JVM options); default {@link ProcessSettings#defaults()}. */
    public TransformTestKit processSettings(ProcessSettings settings) {
        this.processSettings = Objects.requireNonNull(settings, "settings");
        return this;
    }

    /**
     * Runs on threads, then on processes, and checks that both wrote the same bytes, records and rejects alike.
     *
     * @return the output (the same for both), to check further
     * @throws AssertionFailedError if a run fails or times out, or the outputs differ (naming the first line)
     */
    public TransformOutput runInBothPlacements() {
        TransformOutput threads = runIn(Placement.THREADS);
        TransformOutput processes = runIn(Placement.PROCESSES);
        return threads.sameAs(processes);
    }

    /**
     * Runs on one placement.
     *
     * @throws AssertionFailedError if the run fails or times out
     */
    public TransformOutput runIn(Placement placement) {
        MemorySink sink = new MemorySink();
        RunOutcome outcome = run(placement, sink);
        if (outcome.failed()) {
            throw new AssertionFailedError(describe(placement) + " failed: " + outcome.failure().getMessage(),
                    outcome.failure());
        }
        return new TransformOutput(placement, outcome.result(), sink);
    }

    /**
     * Runs on threads, then on processes, expecting both runs to fail (a bad configuration, say).
     *
     * @throws AssertionFailedError if a run succeeds or times out
     */
    public TransformFailure failInBothPlacements() {
        Map<Placement, RuntimeException> failures = new EnumMap<>(Placement.class);
        for (Placement p : Placement.values()) {
            failures.putAll(failIn(p).failures());
        }
        return new TransformFailure(failures);
    }

    /**
     * Runs on one placement, expecting it to fail: when the pipeline is built (a configuration the transform's
     * provider refuses up front, see {@code TransformProvider.validate}), or while it runs.
     *
     * @throws AssertionFailedError if the run succeeds or times out
     */
    public TransformFailure failIn(Placement placement) {
        RunOutcome outcome;
        try {
            outcome = run(placement, new MemorySink());
        } catch (IllegalArgumentException refusedAtBuild) {
            return new TransformFailure(Map.of(placement, refusedAtBuild));
        }
        if (!outcome.failed()) {
            throw new AssertionFailedError(describe(placement) + " was expected to fail but succeeded: "
                    + outcome.result().recordsOut() + " records out, " + outcome.result().recordsRejected()
                    + " rejected");
        }
        return new TransformFailure(Map.of(placement, outcome.failure()));
    }

    private RunOutcome run(Placement placement, MemorySink sink) {
        Pipeline pipeline = Pipeline.builder()
                .source(input.withLinesPerBatch(linesPerBatch))
                .stage(Stage.plugin(pluginId).withConfig(config).withPlacement(placement).withWorkers(workers))
                .sink(sink)
                .processSettings(processSettings)
                .build();
        return RunOutcome.await(pipeline.start(), timeout, describe(placement));
    }

    private String describe(Placement placement) {
        return "transform '" + pluginId + "' on " + placement.cliName();
    }
}
