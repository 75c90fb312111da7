package dev.hybridetl.bench;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.Stage;
import dev.hybridetl.api.WorkerPool;
import dev.hybridetl.io.FileSink;
import dev.hybridetl.io.FileSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * The same pipeline run K times in one JVM through the public API, as an embedding service runs many pipelines:
 * run 1 pays for a cold JVM (class loading, JIT) and cold workers, runs 2..K show what stays warm: the pipeline JVM,
 * and the worker JVMs of the processes placement, which the runs take from and give back to one {@link WorkerPool}.
 *
 * <p>Usage ({@code benchmarks/e2e/placement.py warm} starts it with the flags of {@code pipeline-app jvm-flags}):
 * <pre>
 * java $(java -jar app/target/pipeline-app.jar jvm-flags) -cp benchmarks/target/benchmarks.jar \
 *     dev.hybridetl.bench.WarmRuns --input IN.csv[.gz] --output-dir DIR --transform flights-enrich \
 *     --placement processes --workers 2 --runs 5
 * </pre>
 * Prints one JSON line per run: {@code {"run":1,"placement":"processes","wall_ms":...,"records_in":...,
 * "records_out":...,"process_cpu_ms":...,"same_as_run1":true}} ({@code process_cpu_ms}: this JVM's CPU during
 * the run, workers excluded; run 1 adds {@code "sha256"}, its output's, timed outside the run). Every run's output is compared byte for byte with run 1's; the files are deleted at
 * the end. Exits 0, 1 if a run failed, 2 for a bad argument.
 */
public final class WarmRuns {
    private WarmRuns() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> o = new HashMap<>(Map.of("--transform", "flights-enrich", "--placement", "processes",
                "--workers", "2", "--runs", "5"));
        Set<String> known = Set.of("--input", "--output-dir", "--transform", "--placement", "--workers", "--runs");
        for (int i = 0; i < args.length; i += 2) {
            if (!known.contains(args[i]) || i + 1 == args.length) {
                usage("unknown option or missing value: " + args[i]);
            }
            o.put(args[i], args[i + 1]);
        }
        if (!o.containsKey("--input") || !o.containsKey("--output-dir")) {
            usage("--input and --output-dir are required");
        }
        Placement placement = null;
        int workers = 0;
        int runs = 0;
        try {
            placement = Placement.parse(o.get("--placement"));
            workers = Integer.parseInt(o.get("--workers"));
            runs = Integer.parseInt(o.get("--runs"));
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
        }
        Path input = Path.of(o.get("--input"));
        Path dir = Files.createDirectories(Path.of(o.get("--output-dir")));
        Path first = dir.resolve("warm-run-1.jsonl");
        int status = 0;
        try (WorkerPool pool = WorkerPool.create(workers)) {
            for (int run = 1; run <= runs; run++) {
                Path output = dir.resolve("warm-run-" + run + ".jsonl");
                Path rejects = dir.resolve("warm-run-" + run + ".rejects.tsv");
                Pipeline pipeline = Pipeline.builder()
                        .source(FileSource.of(input))
                        .stage(Stage.plugin(o.get("--transform")).withPlacement(placement).withWorkers(workers))
                        .sink(FileSink.of(output, rejects))
                        .workerPool(pool)
                        .build();
                long cpuBefore = processCpuNanos();
                long start = System.nanoTime();
                PipelineResult r = pipeline.run();
                long wallMs = (System.nanoTime() - start) / 1_000_000;
                long cpuMs = (processCpuNanos() - cpuBefore) / 1_000_000;
                boolean same = run == 1 || Files.mismatch(first, output) == -1L;
                System.out.printf("{\"run\":%d,\"placement\":\"%s\",\"wall_ms\":%d,\"records_in\":%d,"
                                + "\"records_out\":%d,\"process_cpu_ms\":%d,\"same_as_run1\":%b%s}%n", run,
                        placement.cliName(), wallMs, r.recordsIn(), r.recordsOut(), cpuMs, same,
                        run == 1 ? ",\"sha256\":\"" + sha256(first) + "\"" : "");
                if (run > 1) {
                    Files.delete(output);
                }
                Files.deleteIfExists(rejects);
            }
        } catch (PipelineException e) {
            System.err.println("warm run failed: " + e.getMessage());
            status = 1;
        } finally {
            Files.deleteIfExists(first);
        }
        // Exit at once: a non-daemon thread of Reactor's disposeGracefully() would keep the JVM up for 10 s.
        System.exit(status);
    }

    /** SHA-256 of a file in hex, for the harness to check run 1 against the known answer. */
    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: WarmRuns --input FILE.csv[.gz] --output-dir DIR [--transform ID] "
                + "[--placement threads|processes] [--workers N] [--runs K]");
        System.exit(2);
    }
}
