package dev.hybridetl.api;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.scheduler.Scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Measures a stage on a sample of its input and recommends where it should run: on the event loop or threads (it
 * mostly waits), on worker processes (it computes, and the process boundary costs little next to its work), or on
 * threads (it computes, but the boundary would cost a large share).
 *
 * <pre>{@code
 * PlacementProfile p = PlacementProfiler.of(FileSource.of(Path.of("flights.csv.gz")), Stage.plugin("flights-route"))
 *         .sampleRecords(20_000)
 *         .run();
 * p.lines().forEach(System.out::println);   // ... then "recommend processes x 2: CPU-bound, 3.10 µs/record, ..."
 * }</pre>
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>What it measures.</b> The first {@link #sampleRecords} records, in the pipeline's batches, go through
 *       the stage's transform on the calling thread, after a warm-up, while {@link ThreadCosts} reads that thread's
 *       CPU time, waiting time (sleeping, parked, blocked: contention monitoring) and allocation. Wall time minus
 *       CPU minus waiting is time the thread was runnable but not running: a busy machine, or blocking I/O in
 *       native code.</li>
 *   <li><b>The boundary.</b> For a CPU-bound plugin stage, the sample is then replayed through two real runs, one
 *       worker on threads and one on processes ({@link BoundaryProbe}); the difference in CPU per record of all
 *       their JVMs is the boundary's cost for these batches.</li>
 *   <li><b>The rule.</b> Waiting-bound when at least {@value #WAITING_BOUND_PERCENT}% of wall time is waiting.
 *       Otherwise processes when the boundary is at most {@value #BOUNDARY_PERCENT_FOR_PROCESSES}% of the CPU a run
 *       on processes spends (isolation is then cheap), else threads: the boundary's cost grows with the bytes of a
 *       batch and its result, the transform's with its work, so a transform whose output is large next to its work
 *       (flights-route writes 64 points a record) pays a large share. Workers: the cores for CPU-bound work; for waiting-bound
 *       work as many as keep the cores busy, up to {@value #MAX_WAITING_WORKERS}.</li>
 * </ul>
 *
 * <p>Blocking: {@link #run()} blocks for a few seconds (it starts a worker JVM); call it from a thread that may
 * block. Not thread-safe; immutable settings, one run at a time.
 */
public final class PlacementProfiler {
    /** Default sample size. */
    public static final int DEFAULT_SAMPLE_RECORDS = 20_000;
    static final int WAITING_BOUND_PERCENT = 50;
    static final int BOUNDARY_PERCENT_FOR_PROCESSES = 25;
    static final int MAX_WAITING_WORKERS = 64;
    /**
     * CPU time spent warming up (the JIT compiles the transform meanwhile), then measuring, the transform alone; or
     * at most the wall times below, for a transform that mostly waits.
     */
    private static final long WARM_UP_CPU_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long MEASURE_CPU_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long MAX_WARM_UP_WALL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_MEASURE_WALL_NS = TimeUnit.SECONDS.toNanos(2);
    /**
     * Transform CPU time each boundary run measures, after as much again of warm-up: the worker JVM starts cold
     * (its JIT compiles the transform and the codec during the first passes) while this JVM is warm already, so a
     * short warm-up counts the worker's compilation as boundary cost.
     */
    private static final long BOUNDARY_MEASURE_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_PASSES = 500;
    private static final Duration SAMPLE_TIMEOUT = Duration.ofMinutes(2);

    private final Source source;
    private final Stage stage;
    private final int sampleRecords;
    private final int batchBytes;
    private final ProcessSettings processSettings;

    private PlacementProfiler(Source source, Stage stage, int sampleRecords, int batchBytes,
                              ProcessSettings processSettings) {
        this.source = Objects.requireNonNull(source, "source");
        this.stage = Objects.requireNonNull(stage, "stage");
        this.sampleRecords = sampleRecords;
        this.batchBytes = batchBytes;
        this.processSettings = Objects.requireNonNull(processSettings, "processSettings");
    }

    /** Profiles {@code stage} (its placement and worker count are ignored) on the first records of {@code source}. */
    public static PlacementProfiler of(Source source, Stage stage) {
        return new PlacementProfiler(source, stage, DEFAULT_SAMPLE_RECORDS, Pipeline.DEFAULT_BATCH_BYTES,
                ProcessSettings.defaults());
    }

    /** How many records to sample (default {@value #DEFAULT_SAMPLE_RECORDS}). */
    public PlacementProfiler sampleRecords(int records) {
        if (records < 1) {
            throw new IllegalArgumentException("sampleRecords must be positive, was " + records);
        }
        return new PlacementProfiler(source, stage, records, batchBytes, processSettings);
    }

    /** The batch size the pipeline would use (default {@link Pipeline#DEFAULT_BATCH_BYTES}). */
    public PlacementProfiler batchBytes(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("batchBytes must be positive, was " + bytes);
        }
        return new PlacementProfiler(source, stage, sampleRecords, bytes, processSettings);
    }

    /** Settings for the run on worker processes that measures the boundary. */
    public PlacementProfiler processSettings(ProcessSettings settings) {
        return new PlacementProfiler(source, stage, sampleRecords, batchBytes, settings);
    }

    /**
     * Samples, measures and recommends.
     *
     * @throws IllegalArgumentException if the stage's configuration is refused (as {@link Pipeline.Builder#build()}
     *                                  would refuse it)
     * @throws PipelineException if the source cannot be read or the transform fails
     */
    public PlacementProfile run() {
        stage.validate();
        Sample sample = sample();
        if (sample.records == 0) {
            throw new PipelineException("cannot profile stage '" + stage.name() + "': " + source.description()
                    + " has no records");
        }
        ThreadCosts cost;
        long wallNanos;
        long records;
        Runnable restoreMonitoring = ThreadCosts.monitorContention();
        try (Transform transform = stage.newTransform()) {
            transform.open(new TransformContext(stage.name(), stage.config(), sample.header, 0));
            passes(transform, sample, WARM_UP_CPU_NS, MAX_WARM_UP_WALL_NS);
            ThreadCosts before = ThreadCosts.now();
            long t0 = System.nanoTime();
            records = passes(transform, sample, MEASURE_CPU_NS, MAX_MEASURE_WALL_NS);
            wallNanos = System.nanoTime() - t0;
            cost = ThreadCosts.now().minus(before);
        } catch (PipelineException | IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw PipelineException.wrap("stage '" + stage.name() + "' failed while profiled", e);
        } finally {
            restoreMonitoring.run();
        }
        double wall = (double) wallNanos / records;
        double cpu = (double) cost.cpuNanos() / records;
        double waiting = Math.min(wall, (double) cost.waitingNanos() / records);
        double allocated = (double) cost.allocatedBytes() / records;
        boolean waitingBound = waiting >= wall * WAITING_BOUND_PERCENT / 100.0;
        double threadsCpu = Double.NaN;
        double processesCpu = Double.NaN;
        String note = "";
        if (waitingBound) {
            note = "the stage mostly waits: worker processes would not help";
        } else if (!stage.isPlugin()) {
            note = "a local transform cannot run on worker processes";
        } else {
            int measured = passesFor(cpu, sample.records, BOUNDARY_MEASURE_NS);
            int warm = measured;
            try {
                threadsCpu = BoundaryProbe.cpuNanosPerRecord(stage, Placement.THREADS, sample.header, sample.batches,
                        warm, measured, processSettings);
                processesCpu = BoundaryProbe.cpuNanosPerRecord(stage, Placement.PROCESSES, sample.header,
                        sample.batches, warm, measured, processSettings);
            } catch (PipelineException e) {
                threadsCpu = Double.NaN;
                processesCpu = Double.NaN;
                note = "worker processes failed: " + e.getMessage();
            }
        }
        PlacementProfile draft = new PlacementProfile(stage.name(), sample.records, sample.batches.size(), wall, cpu,
                waiting, allocated, threadsCpu, processesCpu, note, null);
        return new PlacementProfile(stage.name(), sample.records, sample.batches.size(), wall, cpu, waiting,
                allocated, threadsCpu, processesCpu, note, recommend(draft));
    }

    private static PlacementProfile.Recommendation recommend(PlacementProfile p) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (p.waitingShare() >= WAITING_BOUND_PERCENT / 100.0) {
            double busy = Math.max(0.01, 1 - p.waitingShare());
            int workers = (int) Math.min(MAX_WAITING_WORKERS, Math.max(cores, Math.ceil(cores / busy)));
            return new PlacementProfile.Recommendation(Placement.THREADS, workers, true, String.format(Locale.ROOT,
                    "waiting-bound (%.0f%% of wall time waiting)", 100 * p.waitingShare()));
        }
        String cpu = "CPU-bound, " + PlacementProfile.micros(p.cpuNanosPerRecord()) + "/record";
        if (!p.boundaryNote().isEmpty()) {
            return new PlacementProfile.Recommendation(Placement.THREADS, cores, false, cpu + " (" + p.boundaryNote()
                    + ")");
        }
        String boundary = String.format(Locale.ROOT, ", boundary costs %.0f%% of the work", 100 * p.boundaryShare());
        Placement where = p.boundaryShare() <= BOUNDARY_PERCENT_FOR_PROCESSES / 100.0 ? Placement.PROCESSES
                : Placement.THREADS;
        return new PlacementProfile.Recommendation(where, cores, false, cpu + boundary);
    }

    /**
     * Whole passes over the sample until this thread has spent {@code cpuNanos} of CPU time, or {@code maxWallNanos}
     * have passed; returns the records processed. CPU, not wall time: on a busy machine a wall-time warm-up ends
     * before the JIT has compiled anything.
     */
    private static long passes(Transform transform, Sample sample, long cpuNanos, long maxWallNanos)
            throws Exception {
        long start = System.nanoTime();
        long cpuStart = ThreadCosts.now().cpuNanos();
        long records = 0;
        do {
            for (RecordBatch in : sample.batches) {
                RecordBatchBuilder out = RecordBatch.builder(in.sequence(), in.recordBytes() * 2, in.size());
                transform.process(in, out);
                out.build();
                records += in.size();
            }
        } while (ThreadCosts.now().cpuNanos() - cpuStart < cpuNanos && System.nanoTime() - start < maxWallNanos);
        return records;
    }

    private static int passesFor(double cpuNanosPerRecord, long recordsPerPass, long targetNanos) {
        double perPass = Math.max(1, cpuNanosPerRecord * recordsPerPass);
        return (int) Math.max(2, Math.min(MAX_PASSES, Math.ceil(targetNanos / perPass)));
    }

    private record Sample(String header, List<RecordBatch> batches, long records) {
    }

    /** The first {@link #sampleRecords} records, read by the source as a run would read them, in its batches. */
    private Sample sample() {
        SimpleMeterRegistry unused = new SimpleMeterRegistry();
        AtomicReference<Throwable> failure = new AtomicReference<>(); // what escapes a sampling thread
        Scheduler eventLoop = RunThreads.eventLoop(e -> failure.compareAndSet(null, e),
                new RunWatchdog(Duration.ZERO, Duration.ZERO, unused));
        Scheduler blocking = RunThreads.blocking(e -> failure.compareAndSet(null, e));
        SourceReader reader = null;
        try {
            SourceSettings settings = new SourceSettings(batchBytes, Pipeline.DEFAULT_MAX_RECORD_BYTES, eventLoop,
                    blocking, new StageMetrics("source", "source", unused));
            String context = "cannot read " + source.description();
            reader = Guards.mono(context, () -> source.open(settings)).block(SAMPLE_TIMEOUT);
            AtomicLong taken = new AtomicLong();
            List<RecordBatch> batches = new ArrayList<>(Guards.flux(context, reader::batches)
                    .takeUntil(b -> taken.addAndGet(b.size()) >= sampleRecords)
                    .collectList().block(SAMPLE_TIMEOUT));
            if (failure.get() != null) {
                throw PipelineException.wrap("sampling " + source.description() + " failed", failure.get());
            }
            return new Sample(reader.header(), batches, taken.get());
        } finally {
            if (reader != null) {
                reader.close();
            }
            eventLoop.dispose();
            blocking.dispose();
        }
    }
}
