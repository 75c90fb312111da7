package com.example.sales;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.Stage;
import dev.hybridetl.io.FileSink;
import dev.hybridetl.io.FileSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Runs the {@code sales-lines} job on a file, on threads or on worker processes:
 * <pre>
 * java @jvm.options -cp target/plain-embed.jar:$(cat target/classpath.txt) com.example.sales.Main \
 *     --input data/sales.csv --output-dir out/processes --placement processes
 * </pre>
 * Writes {@code sales.jsonl} and {@code rejects.tsv} into the output directory, prints one summary line and exits
 * 0 when the run succeeded, 1 when it failed, 2 for a bad argument. The worker processes of the {@code processes}
 * placement are started with this JVM's class path, so they find the transform by its id the same way.
 */
public final class Main {
    /** Small batches, so that a few thousand rows make several batches and both workers get some. */
    static final int BATCH_BYTES = 16 * 1024;

    private Main() {
    }

    /** The pipeline this example runs; the tests build the same one. */
    static Pipeline pipeline(Path input, Path outputDir, Placement placement, int workers) {
        return Pipeline.builder()
                .source(FileSource.of(input))
                .stage(Stage.plugin(SalesLinesProvider.ID).withPlacement(placement).withWorkers(workers))
                .sink(FileSink.of(outputDir.resolve("sales.jsonl"), outputDir.resolve("rejects.tsv")))
                .batchBytes(BATCH_BYTES)
                .build();
    }

    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>(Map.of("--placement", "threads", "--workers", "2"));
        Set<String> known = Set.of("--input", "--output-dir", "--placement", "--workers");
        for (int i = 0; i < args.length; i += 2) {
            if (!known.contains(args[i]) || i + 1 == args.length) {
                usage("unknown option or missing value: " + args[i]);
            }
            options.put(args[i], args[i + 1]);
        }
        if (!options.containsKey("--input") || !options.containsKey("--output-dir")) {
            usage("--input and --output-dir are required");
        }
        Pipeline pipeline;
        Placement placement;
        try {
            placement = Placement.parse(options.get("--placement"));
            pipeline = pipeline(Path.of(options.get("--input")), Path.of(options.get("--output-dir")), placement,
                    Integer.parseInt(options.get("--workers")));
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            return;
        }
        try {
            PipelineResult r = pipeline.run();
            System.out.printf("sales-lines on %s: %d records in, %d out, %d rejected, %d ms%n",
                    placement.cliName(), r.recordsIn(), r.recordsOut(), r.recordsRejected(), r.wallNanos() / 1_000_000);
            // Exit at once: otherwise a non-daemon thread of Reactor's Scheduler.disposeGracefully() (reactor-core
            // 3.8) keeps this JVM up for its 10 s keep-alive after the run.
            System.exit(0);
        } catch (PipelineException e) {
            System.err.println("sales-lines on " + placement.cliName() + " failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: Main --input FILE.csv --output-dir DIR [--placement threads|processes]"
                + " [--workers N]");
        System.exit(2);
    }
}
