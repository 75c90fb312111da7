package dev.hybridetl.io;

import dev.hybridetl.io.internal.Checkpoint;
import dev.hybridetl.io.internal.DurableState;
import dev.hybridetl.io.internal.InputIdentity;
import dev.hybridetl.io.internal.Leftovers;
import dev.hybridetl.io.internal.OutputLock;
import dev.hybridetl.io.internal.OutputTarget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A file-to-file run whose progress survives its process: if it dies ({@code kill -9}, a power loss, a failure or
 * Ctrl-C when asked to keep progress), the next run on the same output can resume it and writes exactly the bytes
 * an uninterrupted run would have written. The design is docs/decisions/0005-resume.md.
 *
 * <pre>{@code
 * try (DurableRun durable = DurableRun.open(in, out, rejects, job, DurableRun.Start.RESUME, DurableRun.Options.defaults())) {
 *     Pipeline.builder()
 *             .source(FileSource.of(in).withCheckpoints(durable))
 *             .stage(...)
 *             .sink(FileSink.of(out, rejects).withCheckpoints(durable))
 *             .build().run();
 * }
 * }</pre>
 *
 * <p>{@link #open} claims the output (an OS lock beside it, so no other live run writes it, and whatever a dead run
 * left there is known to be dead), looks for a dead run's checkpoint, and acts on {@link Start}: start fresh (and
 * refuse if there is progress to lose), resume (after checking that the input and the job are the ones
 * checkpointed), or discard and restart. While the run writes, the sink forces its temporary files and replaces a
 * small checkpoint file {@code .<output>.checkpoint} beside the output every {@link Options#checkpointEvery()} (or
 * {@link Options#checkpointBytes()}): the source position of the next unread record, the next batch number, the
 * committed lengths of both temporary files, the input's identity and the job's. A resume cuts the temporary files
 * back to those lengths and reads on from that position.
 *
 * <p>The placement is not part of the job: a run started on worker processes may resume on threads. Outputs that
 * are streams (stdout, a FIFO) cannot be taken back to a checkpoint, and an input that is a stream cannot be read
 * again: such runs write no checkpoint and cannot be resumed, but their leftovers are still cleaned up.
 *
 * <p>Thread safety: {@link #open} and {@link #close} block; {@link #close} may be called from any thread, more than
 * once.
 */
public final class DurableRun implements AutoCloseable {
    /** What {@link #open} does with a dead run's checkpoint. */
    public enum Start {
        /** Start from the beginning; refuse ({@link Refusal#LEFTOVERS}) if a dead run's progress would be lost. */
        FRESH,
        /** Continue the dead run; refuse if there is none, or if the input or the job differ. */
        RESUME,
        /** Discard a dead run's progress and temporary files, then start from the beginning. */
        RESTART
    }

    /** Why {@link #open} refused. */
    public enum Refusal {
        /** Another live run writes the same output. */
        BUSY,
        /** {@link Start#FRESH}, but a dead run's progress lies beside the output. */
        LEFTOVERS,
        /** {@link Start#RESUME}, but there is no checkpoint. */
        NOTHING_TO_RESUME,
        /** {@link Start#RESUME} with a stream as input or output. */
        NOT_RESUMABLE,
        /** {@link Start#RESUME}, but the input is not the file the checkpointed run read. */
        INPUT_CHANGED,
        /** {@link Start#RESUME}, but the job (transform, configuration, batch size, rejects file) differs. */
        JOB_CHANGED,
        /** The checkpoint or its temporary files cannot be trusted. */
        DAMAGED
    }

    /** {@link #open} refused to start; the message is one line that says why. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        private final Refusal reason;

        Refused(Refusal reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Refusal reason() {
            return reason;
        }
    }

    /**
     * How often to checkpoint, and what to do on failure.
     *
     * @param checkpointEvery a checkpoint at the first batch end after this much time since the last one ...
     * @param checkpointBytes ... or after this many bytes of output, whichever comes first
     * @param keepProgress on a failure or cancel (Ctrl-C), keep the temporary files and a last checkpoint for a
     *                     resume, instead of deleting them
     */
    public record Options(Duration checkpointEvery, long checkpointBytes, boolean keepProgress) {
        /**
         * Every second or 16 MiB of output, whichever comes first; progress is not kept on failure. A checkpoint is
         * written beside the writes, not in their way, so the interval bounds the work a kill can cost (about a
         * second's) rather than the run's speed; see 0005-resume.md for what it costs.
         */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(1), 16L * 1024 * 1024, false);
        }

        public Options {
            Objects.requireNonNull(checkpointEvery, "checkpointEvery");
            if (checkpointEvery.isNegative() || checkpointEvery.isZero() || checkpointBytes < 1) {
                throw new IllegalArgumentException("checkpoints need a positive interval and byte count, were "
                        + checkpointEvery + " and " + checkpointBytes);
            }
        }

        public Options withCheckpointEvery(Duration every) {
            return new Options(every, checkpointBytes, keepProgress);
        }

        public Options withCheckpointBytes(long bytes) {
            return new Options(checkpointEvery, bytes, keepProgress);
        }

        public Options withKeepProgress(boolean keep) {
            return new Options(checkpointEvery, checkpointBytes, keep);
        }
    }

    /**
     * Where a resumed run continued.
     *
     * @param line the line number of the first record read by this run
     * @param recordsOut records the dead run had written
     * @param recordsRejected rejects the dead run had written
     */
    public record Resumed(long line, long recordsOut, long recordsRejected) {
    }

    private final Path input;
    private final Path output;
    private final Path rejects;
    private final DurableState state;
    private final List<OutputLock> locks;
    private final Resumed resumed;
    private final List<Path> removed;

    private DurableRun(Path input, Path output, Path rejects, DurableState state, List<OutputLock> locks,
                       Resumed resumed, List<Path> removed) {
        this.input = input;
        this.output = output;
        this.rejects = rejects;
        this.state = state;
        this.locks = locks;
        this.resumed = resumed;
        this.removed = List.copyOf(removed);
    }

    /**
     * Blocking: claims {@code output} and {@code rejects} and decides where the run starts.
     *
     * @param job what a resume must match besides the input, as name/value pairs (transform id, configuration,
     *            batch settings, format of the rejects; not the placement); the rejects file is added
     * @throws Refused if {@code start} cannot be honoured, with a one-line reason
     * @throws IOException if the file system fails
     */
    public static DurableRun open(Path input, Path output, Path rejects, Map<String, String> job, Start start,
                                  Options options) throws IOException {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(options, "options");
        OutputTarget out = OutputTarget.of(Objects.requireNonNull(output, "output"));
        OutputTarget rej = OutputTarget.of(Objects.requireNonNull(rejects, "rejects"));
        if (out.stream() || rej.stream()) {
            if (start == Start.RESUME) {
                throw new Refused(Refusal.NOT_RESUMABLE, "cannot resume: " + (out.stream() ? output : rejects)
                        + " is a stream (stdout, a FIFO or a device), which cannot be taken back to a checkpoint");
            }
            return new DurableRun(input, output, rejects, null, List.of(), null, List.of());
        }
        List<OutputLock> locks = new ArrayList<>(2);
        try {
            for (OutputTarget t : List.of(out, rej)) {
                try {
                    locks.add(OutputLock.acquire(t.publishAt()));
                } catch (OutputLock.Busy busy) {
                    throw new Refused(Refusal.BUSY, "another run" + (busy.pid() > 0 ? " (pid " + busy.pid() + ")" : "")
                            + " is writing " + t.given());
                }
            }
            return decide(input, out, rej, job, start, options, locks);
        } catch (IOException | RuntimeException e) {
            locks.forEach(OutputLock::close);
            throw e;
        }
    }

    private static DurableRun decide(Path input, OutputTarget out, OutputTarget rej, Map<String, String> job,
                                     Start start, Options options, List<OutputLock> locks) throws IOException {
        Path checkpointFile = Checkpoint.fileOf(out.publishAt());
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.read(checkpointFile);
        } catch (Checkpoint.Damaged damaged) {
            if (start != Start.RESTART) {
                throw new Refused(Refusal.DAMAGED, "cannot use the leftovers beside " + out.given() + ": "
                        + damaged.getMessage());
            }
            checkpoint = null;
        }
        boolean finishedPublishing = false;
        if (checkpoint != null && checkpoint.state() == Checkpoint.State.PUBLISHING && start != Start.RESTART) {
            // The run had written everything and died between its renames: finish them, it is not to be redone.
            Leftovers.finishPublishing(out.publishAt(), checkpoint);
            checkpoint = null;
            finishedPublishing = true;
        }
        Map<String, String> fullJob = new TreeMap<>(job);
        fullJob.put("rejects", rej.publishAt().toString());
        boolean resumableInput = Files.isRegularFile(input);
        InputIdentity identity = null;
        List<Path> keep = List.of();
        switch (start) {
            case RESTART -> {
                Files.deleteIfExists(checkpointFile);
                checkpoint = null;
            }
            case FRESH -> {
                if (checkpoint != null) {
                    throw new Refused(Refusal.LEFTOVERS, out.given() + " has the progress of a run that died: "
                            + progress(checkpoint));
                }
            }
            case RESUME -> {
                if (checkpoint == null) {
                    throw new Refused(Refusal.NOTHING_TO_RESUME, finishedPublishing
                            ? "nothing to resume: the earlier run on " + out.given() + " had written everything; "
                            + "its files are now published"
                            : "nothing to resume: there is no checkpoint of an earlier run beside " + out.given());
                }
                if (!resumableInput) {
                    throw new Refused(Refusal.NOT_RESUMABLE, "cannot resume from " + input + ": it is not a "
                            + "regular file (a pipe or FIFO cannot be read again)");
                }
                identity = InputIdentity.of(input);
                String changed = checkpoint.input().differenceTo(identity);
                if (changed != null) {
                    throw new Refused(Refusal.INPUT_CHANGED, "cannot resume " + out.given() + ": the input " + input
                            + " is not the file the run read: " + changed);
                }
                String jobChange = difference(checkpoint.job(), fullJob);
                if (jobChange != null) {
                    throw new Refused(Refusal.JOB_CHANGED, "cannot resume " + out.given() + ": the run was started "
                            + "with " + jobChange);
                }
                keep = verifiedTemps(out, checkpoint);
            }
            default -> throw new IllegalStateException("unknown start " + start);
        }
        List<Path> removed = new ArrayList<>();
        for (OutputTarget t : List.of(out, rej)) {
            removed.addAll(Leftovers.delete(Leftovers.beside(t.publishAt(), keep)));
        }
        if (identity == null && resumableInput) {
            identity = InputIdentity.of(input);
        }
        Checkpoint from = start == Start.RESUME ? checkpoint : null;
        DurableState state = new DurableState(checkpointFile, from, identity, fullJob, options.checkpointEvery(),
                options.checkpointBytes(), options.keepProgress());
        Resumed resumed = from == null ? null
                : new Resumed(from.next().line(), from.recordsOut(), from.recordsRejected());
        return new DurableRun(input, out.given(), rej.given(), state, locks, resumed, removed);
    }

    /** The two temp files of {@code checkpoint}, checked to hold at least what it committed. */
    private static List<Path> verifiedTemps(OutputTarget out, Checkpoint checkpoint) throws IOException {
        Path outputTemp = out.publishAt().resolveSibling(checkpoint.outputTemp());
        Path rejectsTemp = checkpoint.rejects().resolveSibling(checkpoint.rejectsTemp());
        for (Object[] file : new Object[][]{{outputTemp, checkpoint.outputLength()},
                {rejectsTemp, checkpoint.rejectsLength()}}) {
            Path temp = (Path) file[0];
            long length = (Long) file[1];
            if (!Files.isRegularFile(temp) || Files.size(temp) < length) {
                throw new Refused(Refusal.DAMAGED, "cannot resume " + out.given() + ": its temporary file " + temp
                        + (Files.exists(temp) ? " is shorter than its checkpoint says (" + Files.size(temp) + " < "
                        + length + " bytes)" : " is missing"));
            }
        }
        return List.of(outputTemp, rejectsTemp);
    }

    private static String progress(Checkpoint c) {
        if (c.next().offset() == 0) {
            return "it had started on " + c.input().path() + " and reached no checkpoint yet";
        }
        return String.format("%,d records and %,d rejects written, up to line %,d of %s", c.recordsOut(),
                c.recordsRejected(), c.next().line() - 1, c.input().path());
    }

    /** The first setting that differs, in words; null if none. */
    private static String difference(Map<String, String> was, Map<String, String> now) {
        TreeSet<String> keys = new TreeSet<>(was.keySet());
        keys.addAll(now.keySet());
        for (String key : keys) {
            String before = was.get(key);
            String after = now.get(key);
            if (!Objects.equals(before, after)) {
                return key + " " + (before == null ? "unset" : before) + ", not " + (after == null ? "unset" : after);
            }
        }
        return null;
    }

    /** True if this run writes checkpoints, so that it can be resumed if it dies. */
    public boolean checkpoints() {
        return state != null && state.checkpoints();
    }

    /** Where this run continues a dead one; empty for a run from the start. */
    public Optional<Resumed> resumed() {
        return Optional.ofNullable(resumed);
    }

    /** What {@link #open} removed: temporary files of a dead run that are not resumed. */
    public List<Path> removedLeftovers() {
        return removed;
    }

    /** The input, output and rejects paths, as given. */
    public Path input() {
        return input;
    }

    public Path output() {
        return output;
    }

    public Path rejects() {
        return rejects;
    }

    /** For FileSource and FileSink; null when the outputs are streams. */
    DurableState state() {
        return state;
    }

    /** Releases the claim on the output (deletes the lock files). Never throws; idempotent. */
    @Override
    public void close() {
        locks.forEach(OutputLock::close);
    }

    @Override
    public String toString() {
        return "DurableRun{" + output + (resumed != null ? ", resumed at line " + resumed.line() : "") + '}';
    }
}
