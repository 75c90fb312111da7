package dev.hybridetl.api;

/**
 * The names and tags of every Micrometer meter a run registers in the caller's registry
 * ({@link Pipeline.Builder#meterRegistry}); docs/observability.md lists them with their units. In Prometheus format
 * dots become underscores, and counters gain {@code _total} (and their base unit, e.g. {@code _seconds_total}).
 *
 * <p>Per-stage meters carry the tags {@link #STAGE} and {@link #KIND}; per-worker meters (the processes placement,
 * published by each worker JVM through shared memory) carry {@link #STAGE} and {@link #WORKER}. Per-run gauges and
 * per-worker meters are removed when the run (or its stage) ends, so that the next run in the same registry
 * registers its own.
 */
public final class MeterNames {
    /** Tag: the stage's name ({@code source} and {@code sink} for the ends). */
    public static final String STAGE = "stage";
    /** Tag: what runs the stage: {@code source}, {@code sink}, {@code threads} or {@code processes}. */
    public static final String KIND = "kind";
    /** Tag: a worker's index, from 0. */
    public static final String WORKER = "worker";

    /** Counter: records read ({@code kind=in}), written ({@code out}) and rejected ({@code rejected}). */
    public static final String RECORDS = "etl.records";
    /** Counter: records rejected, tagged {@link #STAGE} (the one that rejected it) and {@link #REASON}. */
    public static final String REJECTS = "etl.rejects";
    /** Tag of {@link #REJECTS}: the reject's reason token (at most 64 per run, the rest as {@code other}). */
    public static final String REASON = "reason";
    /**
     * Counter: warnings of the run watchdog, tagged {@link #KIND} {@code event_loop_blocked} or {@code slow_batch}.
     */
    public static final String WARNINGS = "etl.warnings";
    /** Timer: time a stage spent working on batches. */
    public static final String STAGE_BUSY = "etl.stage.busy";
    /** Gauge: of the last second or more, milliseconds per second the stage's workers spent transforming. */
    public static final String STAGE_BUSY_MS_PER_SECOND = "etl.stage.busy.ms.per.second";
    /** Gauge: milliseconds per second the stage's workers waited for input. */
    public static final String STAGE_IDLE_MS_PER_SECOND = "etl.stage.idle.ms.per.second";
    /** Gauge: milliseconds per second the stage's in-flight window was full of results not yet written. */
    public static final String STAGE_BACKPRESSURED_MS_PER_SECOND = "etl.stage.backpressured.ms.per.second";
    /** Gauge: batches handed to the stage and not yet passed downstream. */
    public static final String STAGE_QUEUE_DEPTH = "etl.stage.queue.depth";
    /** Gauge: records handed to the stage and not yet passed downstream. */
    public static final String STAGE_LAG_RECORDS = "etl.stage.lag.records";

    /** Function counter: batches a worker transformed. */
    public static final String WORKER_BATCHES = "etl.worker.batches";
    /** Function counter: records a worker read ({@code direction=in}) and wrote ({@code direction=out}). */
    public static final String WORKER_RECORDS = "etl.worker.records";
    /** Tag of {@link #WORKER_RECORDS}: {@code in} or {@code out}. */
    public static final String DIRECTION = "direction";
    /** Function counter, seconds: time a worker spent inside the transform. */
    public static final String WORKER_BUSY_TIME = "etl.worker.busy.time";
    /** Function counter: garbage collections of a worker position's JVMs. */
    public static final String WORKER_GC_COUNT = "etl.worker.gc.count";
    /** Function counter, seconds: time a worker position's JVMs spent collecting garbage. */
    public static final String WORKER_GC_TIME = "etl.worker.gc.time";
    /** Gauge, bytes: heap a worker had in use at its last heartbeat. */
    public static final String WORKER_HEAP_USED = "etl.worker.heap.used";
    /** Function counter: times a worker position's JVM was replaced. */
    public static final String WORKER_RESTARTS = "etl.worker.restarts";
    /** Gauge, seconds: since a worker's last heartbeat (NaN before the first). */
    public static final String WORKER_HEARTBEAT_AGE = "etl.worker.heartbeat.age";

    private MeterNames() {
    }
}
