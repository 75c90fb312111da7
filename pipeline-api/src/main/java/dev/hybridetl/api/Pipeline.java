package dev.hybridetl.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A pipeline: one {@link Source}, one or more transform {@link Stage}s, one {@link Sink}. Immutable and reusable:
 * each {@link #start()} is an independent run.
 *
 * <pre>{@code
 * PipelineResult result = Pipeline.builder()
 *         .source(FileSource.of(Path.of("flights.csv.gz")))
 *         .stage(Stage.plugin("flights-enrich").withPlacement(Placement.PROCESSES).withWorkers(2))
 *         .sink(FileSink.of(Path.of("out.jsonl"), Path.of("rejects.tsv")))
 *         .build()
 *         .run();
 * }</pre>
 */
public final class Pipeline {
    /**
     * Default target batch size: large enough that per-batch costs vanish (about 2,000 flights rows), small enough
     * that a transform's output batch stays far below a G1 region: bigger batches measured slower here, because
     * humongous allocations made the heap grow.
     */
    public static final int DEFAULT_BATCH_BYTES = 64 * 1024;
    /** Default longest record accepted from the source. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
    /**
     * Default event-loop watchdog threshold: far above any task the loop should run (framing a 64 KiB batch takes
     * well under a millisecond), far below what a user notices as a stall.
     */
    public static final long DEFAULT_EVENT_LOOP_WATCHDOG_MS = 500;
    /**
     * Default slow-batch threshold: a flights batch takes milliseconds, and a stage's batch timeout (default
     * {@link Stage#DEFAULT_BATCH_TIMEOUT}) is longer, so the warning comes before the timeout does.
     */
    public static final long DEFAULT_SLOW_BATCH_WARNING_S = 10;

    final Source source;
    final List<Stage> stages;
    final Sink sink;
    final MeterRegistry registry;
    final int batchBytes;
    final int maxRecordBytes;
    final int maxInFlightBatches;
    final ProcessSettings processSettings;
    final StageRunners runners;
    final Duration eventLoopWatchdog;
    final Duration slowBatchWarning;
    final WorkerPool workerPool;

    private Pipeline(Builder b) {
        this.source = b.source;
        this.stages = List.copyOf(b.stages);
        this.sink = b.sink;
        this.registry = b.registry != null ? b.registry : new SimpleMeterRegistry();
        this.batchBytes = b.batchBytes;
        this.maxRecordBytes = b.maxRecordBytes;
        this.maxInFlightBatches = b.maxInFlightBatches > 0 ? b.maxInFlightBatches : defaultWindow(stages);
        this.processSettings = b.processSettings;
        this.runners = b.runners;
        this.eventLoopWatchdog = b.eventLoopWatchdog;
        this.slowBatchWarning = b.slowBatchWarning;
        this.workerPool = b.workerPool;
    }

    private static int defaultWindow(List<Stage> stages) {
        int maxWorkers = stages.stream().mapToInt(Stage::workers).max().orElse(1);
        return 2 * maxWorkers + 2;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a run and returns at once; the returned handle awaits, cancels and reports. */
    public PipelineRun start() {
        return PipelineEngine.start(this);
    }

    /**
     * Runs to completion on the calling thread (which must not be an event-loop thread).
     *
     * @throws PipelineException if the run fails
     */
    public PipelineResult run() {
        PipelineRun run = start();
        try {
            return run.await();
        } catch (InterruptedException e) {
            run.cancel();
            Thread.currentThread().interrupt();
            throw new PipelineException("interrupted while waiting for the pipeline", e);
        }
    }

    public List<Stage> stages() {
        return stages;
    }

    public int maxInFlightBatches() {
        return maxInFlightBatches;
    }

    /** How long an event-loop thread may run one task before the run warns; zero: never warns. */
    public Duration eventLoopWatchdog() {
        return eventLoopWatchdog;
    }

    /** How long a batch may stay in one stage before the run warns; zero: never warns. */
    public Duration slowBatchWarning() {
        return slowBatchWarning;
    }

    /**
     * Assembles a {@link Pipeline}. All settings are validated once, in {@link #build()}, with the bad value in the
     * message.
     */
    public static final class Builder {
        private Source source;
        private final List<Stage> stages = new ArrayList<>();
        private Sink sink;
        private MeterRegistry registry;
        private int batchBytes = DEFAULT_BATCH_BYTES;
        private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
        private int maxInFlightBatches;
        private ProcessSettings processSettings = ProcessSettings.defaults();
        private StageRunners runners;
        private Duration eventLoopWatchdog = Duration.ofMillis(DEFAULT_EVENT_LOOP_WATCHDOG_MS);
        private Duration slowBatchWarning = Duration.ofSeconds(DEFAULT_SLOW_BATCH_WARNING_S);
        private WorkerPool workerPool;

        private Builder() {
        }

        public Builder source(Source source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Appends a transform stage; stages run in the order they are added. */
        public Builder stage(Stage stage) {
            stages.add(Objects.requireNonNull(stage, "stage"));
            return this;
        }

        public Builder sink(Sink sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** Where metrics go; default: a private {@code SimpleMeterRegistry}. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Target size of a batch, in bytes of input records (default {@value #DEFAULT_BATCH_BYTES}). */
        public Builder batchBytes(int batchBytes) {
            this.batchBytes = batchBytes;
            return this;
        }

        /** Longest record accepted; longer ones are rejected (default {@value #DEFAULT_MAX_RECORD_BYTES}). */
        public Builder maxRecordBytes(int maxRecordBytes) {
            this.maxRecordBytes = maxRecordBytes;
            return this;
        }

        /**
         * Batches each stage may hold at once (handed out but not yet written); bounds memory and queue space.
         * Default: twice the largest worker count, plus 2.
         */
        public Builder maxInFlightBatches(int maxInFlightBatches) {
            this.maxInFlightBatches = maxInFlightBatches;
            return this;
        }

        /** Settings for stages placed on {@link Placement#PROCESSES}. */
        public Builder processSettings(ProcessSettings settings) {
            this.processSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Warn (log at WARN, once per episode, naming the thread and printing its stack) when an event-loop thread
         * runs one task longer than {@code threshold}: something blocks it. Default
         * {@value Pipeline#DEFAULT_EVENT_LOOP_WATCHDOG_MS} ms; {@link Duration#ZERO} turns the watchdog off.
         */
        public Builder eventLoopWatchdog(Duration threshold) {
            this.eventLoopWatchdog = Objects.requireNonNull(threshold, "threshold");
            return this;
        }

        /**
         * Warn (log at WARN, once per batch, naming the stage, the batch's sequence number and its line range) when
         * a batch has been in one stage longer than {@code threshold}, on any placement. Default
         * {@value Pipeline#DEFAULT_SLOW_BATCH_WARNING_S} s; {@link Duration#ZERO} turns the warning off.
         */
        public Builder slowBatchWarning(Duration threshold) {
            this.slowBatchWarning = Objects.requireNonNull(threshold, "threshold");
            return this;
        }

        /**
         * Worker processes of this pipeline's runs come from {@code pool} when it holds compatible idle ones, and
         * go back to it when their stage ended cleanly (see {@link WorkerPool}). The pipeline does not own the pool:
         * its owner closes it. Default: none; every run starts and ends its own workers.
         */
        public Builder workerPool(WorkerPool pool) {
            this.workerPool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        /**
         * Validates and builds.
         *
         * <p>Each plugin stage's configuration is checked here too, before any worker exists: keys its provider
         * does not declare are refused (see {@link TransformProvider#checksConfigKeys()}), then the provider's
         * {@link TransformProvider#validate} runs (it may read files, such as a reference table).
         *
         * @throws IllegalArgumentException for a missing part, a bad size, a negative watchdog threshold, an unknown transform id, duplicate stage
         *                                  names, a local transform placed on processes, an unknown configuration
         *                                  key, a configuration the provider refuses, or a placement with no runner
         *                                  on the class path
         * @throws PipelineException if a placement's runner finds something missing in this JVM (for worker
         *                           processes: the JVM flags Chronicle needs, a worker class path it cannot derive)
         */
        public Pipeline build() {
            if (source == null) {
                throw new IllegalArgumentException("pipeline has no source");
            }
            if (stages.isEmpty()) {
                throw new IllegalArgumentException("pipeline has no stage: add at least one transform stage");
            }
            if (sink == null) {
                throw new IllegalArgumentException("pipeline has no sink");
            }
            if (batchBytes < 1 || batchBytes > 64 * 1024 * 1024) {
                throw new IllegalArgumentException("batchBytes must be between 1 and 64 MiB, was " + batchBytes);
            }
            if (maxRecordBytes < 1) {
                throw new IllegalArgumentException("maxRecordBytes must be positive, was " + maxRecordBytes);
            }
            if (maxInFlightBatches < 0 || maxInFlightBatches > 4096) {
                throw new IllegalArgumentException("maxInFlightBatches must be between 1 and 4096 (0 = default), was "
                        + maxInFlightBatches);
            }
            requireNotNegative("eventLoopWatchdog", eventLoopWatchdog);
            requireNotNegative("slowBatchWarning", slowBatchWarning);
            Set<String> names = new HashSet<>();
            for (Stage stage : stages) {
                stage.validate();
                if (!names.add(stage.name())) {
                    throw new IllegalArgumentException("two stages are named '" + stage.name()
                            + "'; rename one with Stage.withName");
                }
            }
            runners = StageRunners.find(stages, processSettings);
            return new Pipeline(this);
        }

        private static void requireNotNegative(String name, Duration threshold) {
            if (threshold.isNegative()) {
                throw new IllegalArgumentException(name + " must be zero (off) or positive, was " + threshold);
            }
        }
    }
}
