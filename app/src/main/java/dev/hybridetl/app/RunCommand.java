package dev.hybridetl.app;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.PipelineRun;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.Sink;
import dev.hybridetl.api.Source;
import dev.hybridetl.api.Stage;
import dev.hybridetl.api.WorkerPool;
import dev.hybridetl.api.PipelineException;
import dev.hybridetl.io.DurableRun;
import dev.hybridetl.io.FileSink;
import dev.hybridetl.io.FileSource;
import dev.hybridetl.io.RejectsFormat;
import dev.hybridetl.io.stream.FollowedFileSource;
import dev.hybridetl.io.stream.RollingFileSink;
import dev.hybridetl.io.stream.TcpLineSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code run}: one file through one transform stage into an output file and a dead-letter file. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Run a pipeline: read INPUT (.csv or .csv.gz) asynchronously, transform it on threads or worker "
                        + "processes, write one output line per record in input order, and write rejected records "
                        + "(REASON<TAB>RAW, or JSON lines) to a dead-letter file. Output files appear atomically, only on success; "
                        + "'-', a pipe or a FIFO is read or written as a stream.",
                "With no options it runs flights-enrich on the bundled 200k-row flights sample and writes under "
                        + "./out/."},
        footer = {"", "Examples:",
                "  java -jar pipeline-app.jar run",
                "  java -jar pipeline-app.jar run --input flights.csv.gz \\",
                "      --output out/route.jsonl --transform flights-route --workers 2",
                "  java -jar pipeline-app.jar run -i flights.csv -o enriched.jsonl \\",
                "      --rejects bad.tsv --config airports=my-airports.csv --placement threads",
                "  zcat flights.csv.gz | java -jar pipeline-app.jar run -i - -o - > out.jsonl",
                "  java -jar pipeline-app.jar run -i big.csv.gz -o out.jsonl --resume",
                "      (after a run that died: continues it where its last checkpoint was)",
                "  java -jar pipeline-app.jar run --source tcp -i 127.0.0.1:9000 -o out/stream \\",
                "      --roll-every 30s --roll-bytes 16MiB   (until SIGTERM or Ctrl-C: then it drains, exit 0)",
                "  java -jar pipeline-app.jar run --source follow -i app.log.csv -o out/log \\",
                "      --position-file out/log.position   (like tail -F; continues where it stopped)",
                "  java -jar pipeline-app.jar run --source http --input urls.txt \\",
                "      --output pages.jsonl --transform web-page --concurrency 32 --timeout 3s",
                "", "Exit codes: 0 done, 1 the run failed, 2 bad option or input."})
final class RunCommand implements Callable<Integer> {
    static final String SAMPLE_RESOURCE = "/samples/flights-200k.csv.gz";
    static final String DEFAULT_TRANSFORM = "flights-enrich";
    /** What {@code --input -} reads: stdin by its path, so that the source sees a pipe, a FIFO or a file. */
    static final Path STDIN = Path.of("/dev/stdin");

    @Spec
    CommandSpec spec;

    @Option(names = "--source", paramLabel = "KIND", defaultValue = "file",
            description = "What --input is: 'file' (the default: a file, '-' or a pipe), 'http' (a list of URLs, "
                    + "one per line; each fetched page is a record: see --concurrency and the other '--source http' "
                    + "options, and docs/crawler.md), 'tcp' (HOST:PORT: a line stream read until SIGTERM, written as "
                    + "rolling parts) or 'follow' (a growing file followed like tail -F, surviving rotation, written "
                    + "as rolling parts).")
    String source;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE",
            description = "Input file, .csv or .csv.gz; first line is the header; '-' reads stdin (any pipe or FIFO "
                    + "works too). Default: the bundled flights sample. With --source tcp: HOST:PORT.")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Output file (one line per record); '-' writes to stdout, and the summary goes to stderr. "
                    + "Default: out/<input>.<transform>.jsonl. With --source tcp or follow: a directory of parts "
                    + "(required).")
    Path output;

    @Option(names = "--rejects", paramLabel = "FILE",
            description = "Dead-letter file for rejected records. Default: <output without extension>.rejects.tsv "
                    + "(.rejects.jsonl with --rejects-format jsonl)")
    Path rejects;

    @Option(names = "--rejects-format", paramLabel = "FORMAT", defaultValue = "tsv",
            description = "Dead-letter format: 'tsv' (REASON<TAB>RAW, the default) or 'jsonl' (one JSON object per "
                    + "reject: line, stage, reason, attempts, time, and raw, or raw_base64 if not UTF-8).")
    String rejectsFormat;

    @Option(names = {"-t", "--transform"}, paramLabel = "ID", defaultValue = DEFAULT_TRANSFORM,
            description = "Transform plugin id (default: ${DEFAULT-VALUE}); see the 'transforms' command.")
    String transform;

    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE",
            description = "Transform configuration, repeatable, e.g. --config airports=airports.csv")
    Map<String, String> config = new LinkedHashMap<>();

    @Option(names = {"-p", "--placement"}, paramLabel = "WHERE", defaultValue = "processes",
            description = "Where the transform runs: 'threads' (in this JVM) or 'processes' (worker JVMs). "
                    + "Default: ${DEFAULT-VALUE}.")
    String placement;

    @Option(names = {"-w", "--workers"}, paramLabel = "N",
            description = "Worker threads or processes (default: the number of cores, here ${DEFAULT-VALUE}).")
    int workers = Runtime.getRuntime().availableProcessors();

    @Option(names = "--batch-bytes", paramLabel = "BYTES", defaultValue = "" + Pipeline.DEFAULT_BATCH_BYTES,
            description = "Target input bytes per batch (default: ${DEFAULT-VALUE}).")
    int batchBytes;

    @Option(names = "--max-record-bytes", paramLabel = "BYTES", defaultValue = "" + Pipeline.DEFAULT_MAX_RECORD_BYTES,
            description = "Longer records are rejected as record_too_long (default: ${DEFAULT-VALUE}).")
    int maxRecordBytes;

    @Option(names = "--max-in-flight", paramLabel = "BATCHES", defaultValue = "0",
            description = "Batches in flight per stage; bounds memory (default 0 = 2 x workers + 2).")
    int maxInFlight;

    @Option(names = "--queue-dir", paramLabel = "DIR",
            description = "processes placement: directory for the Chronicle queues (default: a fresh private "
                    + "directory under /dev/shm, or the temp directory).")
    Path queueDir;

    @Option(names = "--keep-queues",
            description = "processes placement: keep the queue directory when the run ends (for inspection).")
    boolean keepQueues;

    @Option(names = "--worker-heap-mb", paramLabel = "MIB", defaultValue = "256",
            description = "processes placement: maximum heap of each worker JVM (default: ${DEFAULT-VALUE}).")
    int workerHeapMb;

    @Option(names = "--worker-jvm-option", paramLabel = "OPTION",
            description = "processes placement: one more option for every worker JVM, repeatable "
                    + "(e.g. --worker-jvm-option=-XX:+UseParallelGC).")
    java.util.List<String> workerJvmOptions = new java.util.ArrayList<>();

    @Option(names = "--event-loop-watchdog", paramLabel = "DURATION", converter = Units.DurationConverter.class,
            defaultValue = Pipeline.DEFAULT_EVENT_LOOP_WATCHDOG_MS + "ms",
            description = "Warn, with the thread's stack, when an event-loop thread runs one task longer than this "
                    + "(something blocks it); 0 turns it off (default: ${DEFAULT-VALUE}).")
    Duration eventLoopWatchdog;

    @Option(names = "--slow-batch", paramLabel = "DURATION", converter = Units.DurationConverter.class,
            defaultValue = Pipeline.DEFAULT_SLOW_BATCH_WARNING_S + "s",
            description = "Warn, naming the batch and its lines, when a batch has been in the stage longer than "
                    + "this; 0 turns it off (default: ${DEFAULT-VALUE}).")
    Duration slowBatch;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar when stderr is a terminal (default: on; --no-progress hides it).")
    boolean progress;

    @Mixin
    ResumeOptions durability = new ResumeOptions();

    @Mixin
    StreamOptions stream = new StreamOptions();

    @Mixin
    HttpSourceOptions http = new HttpSourceOptions();

    @Mixin
    ObservabilityOptions observability = new ObservabilityOptions();

    @Option(names = {"-v", "--verbose"}, description = "Log more, and print stack traces on errors.")
    boolean verbose;

    boolean verbose() {
        return verbose;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
            System.setProperty("hybridetl.verbose", "true"); // workers print stack traces too
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Placement where = parsePlacement();
        RejectsFormat format = parseRejectsFormat();
        try (WorkerPool runPool = where == Placement.PROCESSES && workers >= 1
                ? WorkerPool.create(Math.min(workers, 1024)) : null) {
            pool = runPool;
            return run(out, err, where, format);
        }
    }

    /** This run's worker pool (processes placement): its workers start early, see {@link #startWorkersEarly}. */
    private WorkerPool pool;
    /** What {@link #buildPipeline} gave the pipeline, checked once; the early workers start with the same. */
    private ProcessSettings processSettings;

    /**
     * Starts the worker JVMs now, once the pipeline is built (a user mistake is refused before any worker starts),
     * and before it opens the input and creates the stage's queues: their start-up (about half a second) overlaps the
     * pipeline's own, and the stage finds them waiting. The pool is this run's only: it keeps no more than the stage's
     * workers and is closed when the run ends. A problem starting them is left to the stage to report, in its words.
     */
    private Pipeline startWorkersEarly(Pipeline pipeline) {
        if (pool != null) {
            try {
                pool.prestart(processSettings, workers);
            } catch (RuntimeException e) {
                // the stage fails to start with the same cause, and says so
            }
        }
        return pipeline;
    }

    private ProcessSettings checkedProcessSettings() {
        if (queueDir != null && Files.exists(queueDir) && !Files.isDirectory(queueDir)) {
            throw new Main.UsageProblem("--queue-dir " + queueDir + " is not a directory");
        }
        return new ProcessSettings(queueDir, keepQueues, workerHeapMb, workerJvmOptions);
    }

    private Integer run(PrintWriter out, PrintWriter err, Placement where, RejectsFormat format)
            throws IOException, InterruptedException {
        switch (source) {
            case "file" -> {
                // below
            }
            case "http" -> checkHttpSource();
            case "tcp", "follow" -> {
                return runStream(where, format, out, err);
            }
            default -> throw new Main.UsageProblem("unknown --source '" + source + "'; use file, http, tcp or follow");
        }
        boolean stdin = input != null && input.toString().equals("-");
        Path sample = input == null ? extractSample() : null;
        try {
            Path in = sample != null ? sample : stdin ? STDIN : checkedInput(input);
            OutputPaths paths = OutputPaths.resolve(in, sample != null ? "flights-200k" : stdin ? "stdin" : null,
                    transform, output, rejects, format);
            if (paths.writesToStdout()) {
                // stdout carries the records: the summary goes to stderr, and so does anything a library prints
                out = err;
                System.setOut(System.err);
            }
            if (sample != null) {
                out.println("No --input given: running " + transform + " on the bundled sample (200,000 flights).");
            }
            try (DurableRun durable = durability.open(in, paths, ResumeOptions.job(transform, config, batchBytes,
                    maxRecordBytes, format.cliName()), err);
                 RunObservation observed = observability.open(err)) {
                FileSink sink = FileSink.of(paths.output(), paths.rejects()).withRejectsFormat(format);
                Pipeline pipeline = "http".equals(source)
                        ? buildPipeline(http.source(in), sink, where, observed.registry())
                        : buildPipeline(FileSource.of(in).withCheckpoints(durable), sink.withCheckpoints(durable),
                                where, observed.registry());
                PipelineRun run = observed.watch(startWorkersEarly(pipeline).start());
                PipelineResult result = awaitWithCtrlC(run, durable, err);
                new RunSummary(out).print(transform, where, workers,
                        sample != null ? "bundled sample" : stdin ? "stdin" : in.toString(), paths, result,
                        durable.resumed());
            }
            return 0;
        } finally {
            if (sample != null) {
                Files.deleteIfExists(sample);
            }
        }
    }

    private Placement parsePlacement() {
        try {
            return Placement.parse(placement);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageProblem(e.getMessage());
        }
    }

    private RejectsFormat parseRejectsFormat() {
        try {
            return RejectsFormat.parse(rejectsFormat);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageProblem(e.getMessage());
        }
    }

    /** {@code --source tcp|follow}: until the stream ends, or a signal drains it (see {@link StreamRun}). */
    private int runStream(Placement where, RejectsFormat format, PrintWriter out, PrintWriter err)
            throws IOException, InterruptedException {
        if (input == null || output == null) {
            throw new Main.UsageProblem("--source " + source + " needs --input (" + ("tcp".equals(source)
                    ? "HOST:PORT" : "the file to follow") + ") and --output (a directory for the parts)");
        }
        StreamRun streamRun = new StreamRun(stream, err);
        Source in;
        try {
            if ("tcp".equals(source)) {
                in = TcpLineSource.parse(input.toString());
            } else {
                FollowedFileSource follow = FollowedFileSource.of(checkedInput(input));
                in = streamRun.savedPosition().map(follow::resumingAt).orElse(follow);
            }
        } catch (IllegalArgumentException e) {
            throw new Main.UsageProblem(e.getMessage());
        }
        Sink parts;
        try {
            parts = RollingFileSink.of(output).withNames(stream.partPrefix, RollingFileSink.DEFAULT_EXTENSION)
                    .withRollBytes(stream.rollBytes).withRollEvery(stream.rollEvery).withRejectsFormat(format);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageProblem(e.getMessage());
        }
        PipelineResult result;
        try (RunObservation observed = observability.open(err)) {
            result = streamRun.run(startWorkersEarly(buildPipeline(in, parts, where, observed.registry())),
                    observed::watch);
        }
        new RunSummary(out).print(transform, where, workers, in.description(),
                new OutputPaths(output, output), result, java.util.Optional.empty());
        return 0;
    }

    private Pipeline buildPipeline(Source in, Sink out, Placement where,
                                   io.micrometer.core.instrument.MeterRegistry registry) {
        try {
            Pipeline.Builder builder = Pipeline.builder();
            if (pool != null) {
                builder.workerPool(pool);
            }
            return builder
                    .source(in)
                    .stage(Stage.plugin(transform).withConfig(config).withPlacement(where).withWorkers(workers))
                    .sink(out)
                    .batchBytes(batchBytes)
                    .maxRecordBytes(maxRecordBytes)
                    .maxInFlightBatches(maxInFlight)
                    .meterRegistry(registry)
                    .eventLoopWatchdog(eventLoopWatchdog)
                    .slowBatchWarning(slowBatch)
                    .processSettings(processSettings = checkedProcessSettings())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new Main.UsageProblem(e.getMessage());
        }
    }

    /** What {@code --source http} needs, and what a crawl cannot do. */
    private void checkHttpSource() {
        if (input == null) {
            throw new Main.UsageProblem("--source http needs --input: a file of URLs, one per line, or '-'");
        }
        if (durability.resume || durability.keepProgress) {
            throw new Main.UsageProblem("--resume and --keep-progress work with --source file only: a crawl "
                    + "is not checkpointed");
        }
    }

    private static Path checkedInput(Path path) {
        if (!Files.exists(path)) {
            throw new Main.UsageProblem("input file not found: " + path);
        }
        if (Files.isDirectory(path)) {
            throw new Main.UsageProblem("input is a directory, not a file: " + path);
        }
        if (!Files.isReadable(path)) {
            throw new Main.UsageProblem("input file is not readable: " + path);
        }
        return path;
    }

    private static Path extractSample() throws IOException {
        Path tmp = Files.createTempFile("hybrid-etl-sample-", ".csv.gz");
        try (InputStream in = RunCommand.class.getResourceAsStream(SAMPLE_RESOURCE)) {
            if (in == null) {
                Files.deleteIfExists(tmp);
                throw new IllegalStateException("the bundled sample " + SAMPLE_RESOURCE + " is missing from the jar");
            }
            Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        // Every run extracts a fresh copy; one fixed time makes each copy the same input to --resume.
        Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.fromMillis(0));
        return tmp;
    }

    /**
     * Waits for the run, showing progress; Ctrl-C (SIGINT/SIGTERM) cancels it and waits for its cleanup so that no
     * worker process, thread or partial file outlives the JVM (with --keep-progress, the partial files stay for
     * --resume).
     */
    private PipelineResult awaitWithCtrlC(PipelineRun run, DurableRun durable, PrintWriter err)
            throws InterruptedException {
        boolean keeps = durability.keepProgress && durable.checkpoints();
        Thread hook = new Thread(() -> {
            if (run.isDone()) {
                return;
            }
            err.println();
            err.println(keeps ? "pipeline-app: interrupted: cancelling the run; its progress is kept, run the same "
                    + "command with --resume to continue" : "pipeline-app: interrupted: cancelling the run, nothing "
                    + "is published");
            err.flush();
            run.cancel();
            try {
                run.completion().handle((r, e) -> null).get(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // The JVM is going down; nothing more can be done.
            }
            durable.close(); // the main thread may not get to it before the JVM halts
        }, "etl-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            boolean showBar = progress && System.console() != null;
            return showBar ? ProgressDisplay.follow(run, transform) : run.await();
        } catch (PipelineException e) {
            if (keeps) {
                err.println("pipeline-app: the run's progress is kept: after fixing the cause, run the same command "
                        + "with --resume to continue");
            }
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Already shutting down: the hook runs.
            }
        }
    }
}
