package dev.hybridetl.app;

import dev.hybridetl.io.DurableRun;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code run}'s options for durable runs (docs/decisions/0005-resume.md), and what turns a refusal into one line
 * that names the way out. Every run to regular files is checkpointed, so any run that dies can be resumed.
 */
final class ResumeOptions {
    @Option(names = "--resume",
            description = "Continue the run on this --output that died (kill -9, power loss, or Ctrl-C or a failure "
                    + "with --keep-progress): the output is then byte for byte what one uninterrupted run writes. "
                    + "Refused if the input or the job (transform, config, batch sizes, rejects) changed.")
    boolean resume;

    @Option(names = "--restart", description = "Discard what a dead run on this --output left, and start over.")
    boolean restart;

    @Option(names = "--keep-progress",
            description = "On Ctrl-C, SIGTERM or a failure, keep the progress for --resume instead of deleting it.")
    boolean keepProgress;

    @Option(names = "--checkpoint-every", paramLabel = "SECONDS", defaultValue = "1",
            description = "How often a run to regular files records how far it got (fsync and a small checkpoint "
                    + "file beside the output), at the latest: also every 16 MiB of output. The most work a kill can "
                    + "cost. Default: ${DEFAULT-VALUE}.")
    double checkpointEverySeconds;

    /**
     * Claims the outputs and decides where the run starts.
     *
     * @param job what a resume must match, by option name
     * @throws Main.UsageProblem with one line if the run must not start (leftovers, nothing to resume, a changed
     *     input or job, another live run)
     */
    DurableRun open(Path input, OutputPaths paths, Map<String, String> job, PrintWriter err) throws IOException {
        if (resume && restart) {
            throw new Main.UsageProblem("--resume and --restart exclude each other");
        }
        if (!(checkpointEverySeconds > 0) || checkpointEverySeconds > 86_400) {
            throw new Main.UsageProblem("--checkpoint-every must be between 0 and 86400 seconds, was "
                    + checkpointEverySeconds);
        }
        DurableRun.Start start = resume ? DurableRun.Start.RESUME
                : restart ? DurableRun.Start.RESTART : DurableRun.Start.FRESH;
        DurableRun.Options options = DurableRun.Options.defaults()
                .withCheckpointEvery(Duration.ofNanos((long) (checkpointEverySeconds * 1e9)))
                .withKeepProgress(keepProgress);
        DurableRun run;
        try {
            run = DurableRun.open(input, paths.output(), paths.rejects(), job, start, options);
        } catch (DurableRun.Refused e) {
            throw new Main.UsageProblem(e.getMessage() + wayOut(e.reason()));
        }
        if (!run.removedLeftovers().isEmpty()) {
            err.println("pipeline-app: removed " + run.removedLeftovers().size()
                    + " temporary file(s) of an earlier run beside " + paths.output());
        }
        return run;
    }

    private static String wayOut(DurableRun.Refusal reason) {
        return switch (reason) {
            case LEFTOVERS -> "; add --resume to continue it, or --restart to start over";
            case NOTHING_TO_RESUME -> " (run without --resume to start)";
            case INPUT_CHANGED, JOB_CHANGED, DAMAGED -> "; use --restart to start over";
            case BUSY -> "; wait for it to end, or choose another --output";
            case NOT_RESUMABLE -> "";
        };
    }

    /** What a resume must match: the options that change the output's bytes (not placement or worker counts). */
    static Map<String, String> job(String transform, Map<String, String> config, int batchBytes, int maxRecordBytes,
                                   String rejectsFormat) {
        Map<String, String> job = new LinkedHashMap<>();
        job.put("--transform", transform);
        config.forEach((k, v) -> job.put("--config " + k, v));
        job.put("--batch-bytes", Integer.toString(batchBytes));
        job.put("--max-record-bytes", Integer.toString(maxRecordBytes));
        job.put("--rejects-format", rejectsFormat);
        return job;
    }
}
