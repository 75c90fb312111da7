package dev.hybridetl.app;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.Stage;
import dev.hybridetl.api.WorkerPool;
import dev.hybridetl.io.FileSink;
import dev.hybridetl.io.FileSource;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Measures an embedding service's runs with a warm {@link WorkerPool}: the first processes run starts the workers
 * (cold), later ones reuse them; threads runs alternate with them. Prints, per run, the wall time and the CPU seconds
 * of this JVM and of the pool's workers, and checks that every output is byte for byte the threads output.
 * Not a test: a benchmark, run from the shaded jar so that the workers' class path is one jar (class archive on):
 *
 * <pre>
 * java -cp app/target/pipeline-app.jar app/src/test/java/dev/hybridetl/app/WarmPoolBench.java \
 *     INPUT.csv.gz flights-enrich 3 OUT_DIR
 * </pre>
 */
public final class WarmPoolBench {
    private WarmPoolBench() {
    }

    public static void main(String[] args) throws Exception {
        Path input = Path.of(args[0]);
        String transform = args[1];
        int rounds = Integer.parseInt(args[2]);
        Path dir = Files.createDirectories(Path.of(args[3]));
        Path threadsOut = dir.resolve("threads.jsonl");
        try (WorkerPool pool = WorkerPool.create(2, Duration.ofMinutes(5))) {
            for (int round = 0; round < rounds; round++) {
                run("threads", input, transform, Placement.THREADS, null, threadsOut);
                Path out = dir.resolve("processes-" + round + ".jsonl");
                run(round == 0 ? "processes-cold" : "processes-warm", input, transform, Placement.PROCESSES, pool,
                        out);
                long mismatch = Files.mismatch(threadsOut, out);
                if (mismatch != -1) {
                    throw new AssertionError(out + " differs from " + threadsOut + " at byte " + mismatch);
                }
                Files.delete(out);
            }
        }
    }

    private static void run(String label, Path input, String transform, Placement placement, WorkerPool pool,
                            Path out) {
        Pipeline.Builder b = Pipeline.builder()
                .source(FileSource.of(input))
                .stage(Stage.plugin(transform).withPlacement(placement).withWorkers(2))
                .sink(FileSink.of(out, out.resolveSibling(out.getFileName() + ".rejects.tsv")))
                .processSettings(ProcessSettings.defaults());
        if (pool != null) {
            b.workerPool(pool);
        }
        Pipeline pipeline = b.build();
        double selfBefore = selfCpuSeconds();
        double workersBefore = childrenCpuSeconds();
        long t0 = System.nanoTime();
        PipelineResult result = pipeline.run();
        double wall = (System.nanoTime() - t0) / 1e9;
        double self = selfCpuSeconds() - selfBefore;
        double workers = childrenCpuSeconds() - workersBefore;
        System.out.printf("%-15s %-15s wall %6.2f s  cpu %6.2f s (pipeline %5.2f, workers %5.2f)  records %d%n",
                label, transform, wall, self + workers, self, workers, result.recordsOut());
    }

    private static double selfCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** CPU of the live child processes (the pool's idle workers between runs). */
    private static double childrenCpuSeconds() {
        return ProcessHandle.current().children()
                .mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0)).sum();
    }
}
