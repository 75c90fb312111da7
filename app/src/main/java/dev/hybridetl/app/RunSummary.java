package dev.hybridetl.app;

import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.StageResult;
import dev.hybridetl.io.DurableRun;

import java.io.PrintWriter;
import java.util.Optional;

/** Prints the end-of-run summary: counts, wall time, throughput, and per-stage (and per-worker) figures. */
final class RunSummary {
    private final PrintWriter out;

    RunSummary(PrintWriter out) {
        this.out = out;
    }

    void print(String transform, Placement placement, int workers, String input, OutputPaths paths,
               PipelineResult r, Optional<DurableRun.Resumed> resumed) {
        double wallS = r.wallNanos() / 1e9;
        out.printf("%s on %d %s: done in %.2f s%n", transform, workers,
                placement == Placement.THREADS ? "threads" : "worker processes", wallS);
        out.printf("  input     %s (%,d bytes read)%n", input, r.bytesRead());
        resumed.ifPresent(at -> out.printf("  resumed   at line %,d: %,d records and %,d rejects were written before; "
                + "the counts below are this run's%n", at.line(), at.recordsOut(), at.recordsRejected()));
        out.printf("  records   in %,d | out %,d | rejected %,d%n", r.recordsIn(), r.recordsOut(),
                r.recordsRejected());
        out.printf("  speed     %,.0f records/s%n", r.recordsPerSecond());
        out.printf("  output    %s%n", paths.output());
        out.printf("  rejects   %s%n", paths.rejects());
        out.printf("  %-16s %-10s %9s %12s %10s %10s%n", "stage", "kind", "batches", "records in", "busy s",
                "rejected");
        for (StageResult s : r.stages()) {
            out.printf("  %-16s %-10s %,9d %,12d %10.2f %,10d%n", s.name(), s.kind(), s.batches(), s.recordsIn(),
                    s.busyNanos() / 1e9, s.rejected());
            for (StageResult.WorkerResult w : s.workers()) {
                out.printf("    worker %-3d batches %,7d | records %,10d | restarts %d%s%n", w.index(), w.batches(),
                        w.records(), w.restarts(),
                        w.startupNanos() > 0 ? String.format(" | start-up %.0f ms", w.startupNanos() / 1e6) : "");
            }
        }
        out.flush();
    }
}
