package dev.hybridetl.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link PlacementProfiler} measured of one stage on a sample of its input, and where it recommends the stage
 * runs. Per-record figures are nanoseconds (doubles: a light transform spends well under a microsecond a record).
 *
 * @param records records in the sample
 * @param batches batches the sample came in (the pipeline's batch size)
 * @param wallNanosPerRecord wall time per record on one thread, in this JVM
 * @param cpuNanosPerRecord CPU time per record on that thread
 * @param waitingNanosPerRecord time per record that thread spent waiting: sleeping, parked, blocked on a lock
 * @param allocatedBytesPerRecord heap bytes allocated per record
 * @param threadsCpuNanosPerRecord CPU per record of a whole run on threads, one worker; NaN if not measured
 * @param processesCpuNanosPerRecord CPU per record of a whole run on worker processes, one worker (pipeline and
 *                                   worker JVMs together); NaN if not measured
 * @param boundaryNote why the boundary was not measured, or "" if it was
 * @param recommendation where to run the stage, and why
 */
public record PlacementProfile(String stage, long records, int batches, double wallNanosPerRecord,
                               double cpuNanosPerRecord, double waitingNanosPerRecord,
                               double allocatedBytesPerRecord, double threadsCpuNanosPerRecord,
                               double processesCpuNanosPerRecord, String boundaryNote,
                               Recommendation recommendation) {

    /** The share of wall time spent waiting, 0..1. */
    public double waitingShare() {
        return wallNanosPerRecord <= 0 ? 0 : Math.min(1, waitingNanosPerRecord / wallNanosPerRecord);
    }

    /** What the process boundary adds per record, in CPU nanoseconds (never negative); NaN if not measured. */
    public double boundaryNanosPerRecord() {
        return Math.max(0, processesCpuNanosPerRecord - threadsCpuNanosPerRecord);
    }

    /**
     * The boundary's share of the work on worker processes, 0..1: what it adds per record over the CPU per record of
     * the run on processes; NaN if not measured.
     */
    public double boundaryShare() {
        return boundaryNanosPerRecord() / processesCpuNanosPerRecord;
    }

    /**
     * Where to run a stage.
     *
     * @param placement {@link Placement#THREADS} or {@link Placement#PROCESSES}
     * @param workers how many
     * @param waitingBound true when the stage mostly waits: then threads, or better an asynchronous source or sink
     *                     on the event loop, and more workers than cores
     * @param reason the numbers that justify it, in a few words
     */
    public record Recommendation(Placement placement, int workers, boolean waitingBound, String reason) {
        /** The line the CLI prints: {@code recommend processes x 2: CPU-bound, 5.1 µs/record, ...}. */
        @Override
        public String toString() {
            String where = waitingBound ? "event loop/threads" : placement.cliName();
            return "recommend " + where + " x " + workers + ": " + reason;
        }
    }

    /** The report, a line each, ending with the recommendation. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("stage '" + stage + "': " + records + " records in " + batches + " batches");
        lines.add("on one thread, in this JVM (after a warm-up):");
        lines.add(String.format(Locale.ROOT, "  wall       %s/record", micros(wallNanosPerRecord)));
        lines.add(String.format(Locale.ROOT, "  CPU        %s/record (%.0f%% of wall)", micros(cpuNanosPerRecord),
                100 * cpuNanosPerRecord / Math.max(1e-9, wallNanosPerRecord)));
        lines.add(String.format(Locale.ROOT, "  waiting    %s/record (%.0f%% of wall: sleeping, parked, blocked)",
                micros(waitingNanosPerRecord), 100 * waitingShare()));
        lines.add(String.format(Locale.ROOT, "  allocated  %.0f bytes/record (%.0f MiB per CPU second)",
                allocatedBytesPerRecord, allocatedBytesPerRecord / Math.max(1e-9, cpuNanosPerRecord) * 1e9
                        / (1 << 20)));
        if (boundaryNote.isEmpty()) {
            lines.add("process boundary (a whole run, one worker, CPU of every JVM of the run, steady state):");
            lines.add("  threads    " + micros(threadsCpuNanosPerRecord) + "/record");
            lines.add("  processes  " + micros(processesCpuNanosPerRecord) + "/record");
            lines.add(String.format(Locale.ROOT, "  boundary   %s/record: %.0f%% of the work on processes",
                    micros(boundaryNanosPerRecord()), 100 * boundaryShare()));
        } else {
            lines.add("process boundary: not measured (" + boundaryNote + ")");
        }
        lines.add(recommendation.toString());
        return lines;
    }

    static String micros(double nanos) {
        return String.format(Locale.ROOT, nanos < 10_000 ? "%.2f µs" : "%.0f µs", nanos / 1000);
    }
}
