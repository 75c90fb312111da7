package dev.hybridetl.app;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PlacementProfile;
import dev.hybridetl.api.PlacementProfiler;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.Stage;
import dev.hybridetl.io.FileSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code profile}: measures a transform on a sample of an input and recommends its placement. */
@Command(name = "profile", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Measure a transform on the first records of INPUT and recommend where it should run: CPU time, "
                        + "wall time and time spent waiting per record on one thread, allocation, and what the "
                        + "process boundary costs for this input's batches (a run on threads and a run on worker "
                        + "processes, one worker each, CPU of every JVM compared). The last line starts with "
                        + "'recommend', a placement and a worker count for 'run --placement ... --workers ...'.",
                "Waiting-bound (half the wall time or more waiting): threads, many of them, or better an "
                        + "asynchronous source or sink on the event loop. CPU-bound: worker processes when the "
                        + "boundary costs at most 25% of the work (isolation is then cheap), threads otherwise. "
                        + "Takes a few seconds; a busy machine changes wall times but hardly CPU times."},
        footer = {"", "Examples:",
                "  java -jar pipeline-app.jar profile --input flights.csv.gz --transform flights-route",
                "  java -jar pipeline-app.jar profile -i flights.csv -t flights-enrich --sample 50000",
                "", "Exit codes: 0 done, 1 the transform or the runs failed, 2 bad option or input."})
final class ProfileCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", required = true,
            description = "Input file, .csv or .csv.gz, as for run; only its first records are read.")
    Path input;

    @Option(names = {"-t", "--transform"}, paramLabel = "ID", defaultValue = RunCommand.DEFAULT_TRANSFORM,
            description = "Transform plugin id (default: ${DEFAULT-VALUE}); see the 'transforms' command.")
    String transform;

    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE",
            description = "Transform configuration, repeatable, as for run.")
    Map<String, String> config = new LinkedHashMap<>();

    @Option(names = "--sample", paramLabel = "RECORDS", defaultValue = "" + PlacementProfiler.DEFAULT_SAMPLE_RECORDS,
            description = "Records to sample from the start of the input (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--batch-bytes", paramLabel = "BYTES", defaultValue = "" + Pipeline.DEFAULT_BATCH_BYTES,
            description = "Target input bytes per batch, as for run (default: ${DEFAULT-VALUE}).")
    int batchBytes;

    @Option(names = "--worker-heap-mb", paramLabel = "MIB", defaultValue = "256",
            description = "Maximum heap of the worker JVM that measures the boundary (default: ${DEFAULT-VALUE}).")
    int workerHeapMb;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
            throw new Main.UsageProblem("input file not found or not readable: " + input);
        }
        PlacementProfiler profiler;
        try {
            profiler = PlacementProfiler.of(FileSource.of(input), Stage.plugin(transform).withConfig(config))
                    .sampleRecords(sample).batchBytes(batchBytes)
                    .processSettings(ProcessSettings.defaults().withWorkerHeapMb(workerHeapMb));
        } catch (IllegalArgumentException e) {
            throw new Main.UsageProblem(e.getMessage());
        }
        out.println("profiling " + transform + " on the first " + sample + " records of " + input + " ...");
        out.flush();
        PlacementProfile profile;
        try {
            profile = profiler.run();
        } catch (IllegalArgumentException e) {
            throw new Main.UsageProblem(e.getMessage());
        }
        profile.lines().forEach(out::println);
        out.flush();
        return 0;
    }
}
