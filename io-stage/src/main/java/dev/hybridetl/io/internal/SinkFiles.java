package dev.hybridetl.io.internal;

import dev.hybridetl.api.RecordBatch;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The two files of one sink write, and what ends them: publish (both together), discard, or, for a checkpointed
 * run, keep. Publish, discard and checkpoint writes exclude each other (this object's monitor), and only the first
 * of publish and discard acts, so a checkpoint can never be written after the files are gone.
 *
 * <p>Checkpoints. After each batch's output is written (event loop), the sink knows exactly which input produced
 * the bytes so far: {@link #batchWritten} records that as the <em>committed</em> state. When one is due (time or
 * bytes since the last), a checkpoint is written on the blocking scheduler while the writes go on: the temp files
 * are forced ({@code fdatasync}), which covers every write that completed before, then the checkpoint file is
 * replaced. Each force costs a journal commit that appends may have to wait for, so checkpoints are few (a second
 * apart by default) and skip what they need not do (an unchanged rejects file, the directory's fsync). Writes after the committed state only lengthen the files beyond what the checkpoint says; a resume cuts
 * them back. At most one checkpoint is in flight; a failed one fails the write at the next batch.
 */
final class SinkFiles {
    private final OutputFile records;
    private final OutputFile rejects;
    private final DurableState durable;
    private final boolean checkpointing;
    private boolean ended;
    /** The last batch fully written; written on the event loop, read by checkpoint writers. */
    private volatile Committed committed;
    private long lastCheckpointBytes;
    private long lastCheckpointNanos = System.nanoTime();
    private final AtomicBoolean checkpointInFlight = new AtomicBoolean();
    private volatile Throwable checkpointFailure;
    /** Length of the rejects file at the last force; guarded by this. */
    private long forcedRejectsLength = -1;

    /** Where the input stands after the committed batches, and the file lengths and counts they produced. */
    private record Committed(SourcePoint next, long outputLength, long rejectsLength, long recordsOut,
                             long recordsRejected) {
    }

    private SinkFiles(OutputFile records, OutputFile rejects, DurableState durable) {
        this.records = records;
        this.rejects = rejects;
        this.durable = durable;
        this.checkpointing = durable != null && durable.checkpoints() && records instanceof StagedFile
                && rejects instanceof StagedFile;
        Checkpoint from = durable == null ? null : durable.resumeFrom();
        this.committed = from == null ? new Committed(SourcePoint.START, 0, 0, 0, 0)
                : new Committed(from.next(), from.outputLength(), from.rejectsLength(), from.recordsOut(),
                from.recordsRejected());
        this.lastCheckpointBytes = committed.outputLength + committed.rejectsLength;
    }

    /** Blocking: creates the files (or reopens a resumed run's), and writes the first checkpoint. */
    static SinkFiles open(Path output, Path rejects, DurableState durable) throws IOException {
        Checkpoint from = durable == null ? null : durable.resumeFrom();
        OutputFile records = from == null ? openOne(output)
                : reopen(output, from.outputTemp(), from.outputLength());
        SinkFiles files;
        try {
            OutputFile rejectsFile = from == null ? openOne(rejects)
                    : reopen(rejects, from.rejectsTemp(), from.rejectsLength());
            files = new SinkFiles(records, rejectsFile, durable);
        } catch (IOException | RuntimeException e) {
            records.discard();
            throw e;
        }
        try {
            if (files.checkpointing && from == null) {
                files.writeCheckpoint(files.committed, Checkpoint.State.RUNNING);
            }
            return files;
        } catch (IOException | RuntimeException e) {
            files.records.discard();
            files.rejects.discard();
            throw e;
        }
    }

    private static OutputFile openOne(Path path) throws IOException {
        OutputTarget target = OutputTarget.of(path);
        return target.stream() ? StreamFile.open(target) : StagedFile.create(target);
    }

    private static OutputFile reopen(Path path, String tempName, long length) throws IOException {
        OutputTarget target = OutputTarget.of(path);
        return StagedFile.reopen(target, target.publishAt().resolveSibling(tempName), length);
    }

    OutputFile records() {
        return records;
    }

    OutputFile rejects() {
        return rejects;
    }

    /** The sequence number of the first batch this write receives. */
    long firstSequence() {
        return committed.next.sequence();
    }

    /**
     * Event loop: {@code batch}'s output is written in full. Records the committed state and starts a checkpoint if
     * one is due.
     *
     * @throws IllegalStateException if the last checkpoint failed, or the source did not report this batch
     */
    void batchWritten(RecordBatch batch, Scheduler blocking) {
        if (!checkpointing) {
            return;
        }
        Throwable failed = checkpointFailure;
        if (failed != null) {
            throw new IllegalStateException("cannot write a checkpoint: " + InputFiles.describe(failed), failed);
        }
        SourcePoint next = durable.positions().takeAfter(batch.sequence());
        if (next == null) {
            throw new IllegalStateException("no source position for batch " + batch.sequence()
                    + ": a checkpointed FileSink needs the FileSource of the same DurableRun");
        }
        Committed before = committed;
        Committed now = new Committed(next, records.length(), rejects.length(), before.recordsOut + batch.size(),
                before.recordsRejected + batch.rejects().size());
        committed = now;
        long bytes = now.outputLength + now.rejectsLength;
        long nanos = System.nanoTime();
        boolean due = bytes - lastCheckpointBytes >= durable.everyBytes()
                || nanos - lastCheckpointNanos >= durable.everyNanos();
        if (due && checkpointInFlight.compareAndSet(false, true)) {
            lastCheckpointBytes = bytes;
            lastCheckpointNanos = nanos;
            Mono.fromCallable(() -> checkpoint(now)).subscribeOn(blocking).subscribe(
                    done -> checkpointInFlight.set(false),
                    error -> {
                        checkpointFailure = error;
                        checkpointInFlight.set(false);
                    });
        }
    }

    /** Blocking: forces both files and records {@code state} as the checkpoint, unless the files have ended. */
    private synchronized Boolean checkpoint(Committed state) throws IOException {
        if (!ended) {
            forceBoth(state);
            writeCheckpoint(state, Checkpoint.State.RUNNING);
        }
        return Boolean.TRUE;
    }

    /** Forces what {@code state} counts; the rejects file only if it grew since the last checkpoint (it rarely does). */
    private void forceBoth(Committed state) throws IOException {
        ((StagedFile) records).force();
        if (state.rejectsLength != forcedRejectsLength) {
            ((StagedFile) rejects).force();
            forcedRejectsLength = state.rejectsLength;
        }
    }

    private void writeCheckpoint(Committed state, Checkpoint.State phase) throws IOException {
        StagedFile out = (StagedFile) records;
        StagedFile rej = (StagedFile) rejects;
        try {
            new Checkpoint(phase, out.temp().getFileName().toString(), state.outputLength, rej.publishAt(),
                    rej.temp().getFileName().toString(), state.rejectsLength, state.next, state.recordsOut,
                    state.recordsRejected, durable.input(), durable.job())
                    .write(durable.checkpointFile(), phase == Checkpoint.State.PUBLISHING);
        } catch (IOException e) {
            throw new IOException("cannot write the checkpoint " + durable.checkpointFile() + ": "
                    + InputFiles.reason(e), e);
        }
    }

    /**
     * Blocking: forces and closes both, then renames the staged ones together; on failure discards both and
     * throws. A checkpointed run marks its checkpoint "publishing" first, so that a crash between the renames is
     * finished by the next run, and removes it after. Returns true (a value, so that it can be a Callable).
     */
    synchronized Boolean publish() throws IOException {
        if (ended) {
            return Boolean.TRUE;
        }
        ended = true;
        try {
            records.finish();
            rejects.finish();
            if (checkpointing) {
                writeCheckpoint(committed, Checkpoint.State.PUBLISHING);
            }
            List<StagedFile> staged = new ArrayList<>(2);
            for (OutputFile f : List.of(rejects, records)) {
                if (f instanceof StagedFile s) {
                    staged.add(s);
                }
            }
            Publication.publishAll(staged);
            deleteCheckpoint();
            return Boolean.TRUE;
        } catch (IOException | RuntimeException e) {
            records.discard();
            rejects.discard();
            deleteCheckpoint();
            throw e;
        }
    }

    /**
     * Blocking, never throws: the write failed or was cancelled. Deletes the temp files, or, for a checkpointed run
     * asked to keep its progress, records a last checkpoint of what was committed and keeps them.
     */
    synchronized void discard() {
        if (ended) {
            return;
        }
        ended = true;
        if (checkpointing && durable.keepOnFailure()) {
            try {
                forceBoth(committed);
                writeCheckpoint(committed, Checkpoint.State.RUNNING);
            } catch (IOException | RuntimeException e) {
                // The previous checkpoint stays: older, but it still matches the files (a resume cuts them back).
            }
            ((StagedFile) records).keep();
            ((StagedFile) rejects).keep();
            return;
        }
        records.discard();
        rejects.discard();
        deleteCheckpoint();
    }

    private void deleteCheckpoint() {
        if (durable == null || !durable.checkpoints()) {
            return;
        }
        try {
            Files.deleteIfExists(durable.checkpointFile());
            Publication.forceDirectory(durable.checkpointFile().getParent());
        } catch (IOException ignored) {
            // A checkpoint whose temp files are gone is reported by the next run as damaged, not trusted.
        }
    }
}
