package dev.hybridetl.io;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Sink;
import dev.hybridetl.api.SinkSettings;
import dev.hybridetl.io.internal.DurableState;
import dev.hybridetl.io.internal.OrderedFileWriter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes records to one file and rejects to another, in batch order. Immutable; each {@link #write} is an independent
 * run.
 *
 * <p>Output: each record followed by {@code LF}. Rejects: one line each, per batch sorted by position, in the
 * {@link RejectsFormat} chosen ({@code reason TAB raw LF} by default, or JSON lines with the reject's whole context).
 *
 * <p>Regular files are written under temporary names ({@code .<name>.tmp-<random>}) in their target directories
 * (created if missing), and renamed onto their targets only when everything has been written and forced to disk:
 * both are published or neither is (the rejects file is always published, empty if there were none). If the input
 * fails or is cancelled, or publishing fails, the temporary files are deleted and any older target files are left
 * untouched. A symbolic link is followed: the file it points to is replaced, the link stays. A process killed
 * mid-write leaves its temporary files behind; a sink {@linkplain #withCheckpoints checkpointed} by a
 * {@link DurableRun} makes them resumable, and the next {@code DurableRun} on the output resumes or removes them.
 *
 * <p>Streams ({@code /dev/stdout}, {@code /dev/stderr}, a FIFO, a character device, anything under {@code /dev/} or
 * {@code /proc/}: see {@link #isStream}) are written in place, front to back, and never replaced; on failure their
 * reader has seen part of the output.
 *
 * <p>Threading: encoding runs on {@code settings.eventLoop()}, writes are asynchronous (at most one write per file in
 * flight: {@code AsynchronousFileChannel} for regular files, a private writer thread for streams), and the blocking
 * calls (create, fsync, rename, delete) run on {@code settings.blocking()}.
 */
public final class FileSink implements Sink {
    private final Path output;
    private final Path rejects;
    private final RejectsFormat rejectsFormat;
    private final DurableState durable;

    private FileSink(Path output, Path rejects, RejectsFormat rejectsFormat, DurableState durable) {
        this.output = output;
        this.rejects = rejects;
        this.rejectsFormat = rejectsFormat;
        this.durable = durable;
    }

    /**
     * A sink writing records to {@code output} and rejects to {@code rejects}. No file is touched until
     * {@link #write}.
     *
     * @throws NullPointerException if a path is null
     * @throws IllegalArgumentException if both paths are the same
     */
    public static FileSink of(Path output, Path rejects) {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(rejects, "rejects");
        if (output.toAbsolutePath().normalize().equals(rejects.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("output and rejects must be different files, both were " + output);
        }
        return new FileSink(output, rejects, RejectsFormat.TSV, null);
    }

    /** The same sink writing the dead-letter file in {@code format} (default {@link RejectsFormat#TSV}). */
    public FileSink withRejectsFormat(RejectsFormat format) {
        return new FileSink(output, rejects, Objects.requireNonNull(format, "format"), durable);
    }

    /**
     * The same sink as one side of {@code run}'s checkpoints: it forces its temporary files and writes a checkpoint
     * beside the output every so often ({@link DurableRun.Options}), continues a resumed run's temporary files, and
     * on failure keeps them if the run was asked to. Needs the run's {@link FileSource#withCheckpoints} source. For
     * one run only.
     *
     * @throws IllegalArgumentException if {@code run} is for other files
     */
    public FileSink withCheckpoints(DurableRun run) {
        if (!same(run.output(), output) || !same(run.rejects(), rejects)) {
            throw new IllegalArgumentException("the durable run writes " + run.output() + " and " + run.rejects()
                    + ", not " + output + " and " + rejects);
        }
        return new FileSink(output, rejects, rejectsFormat, run.state());
    }

    private static boolean same(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /**
     * True if a sink would write {@code path} in place (stdout, a FIFO, a device) rather than stage it and rename
     * it. Blocking (it looks at the file system); false for a directory or a path that cannot be examined.
     */
    public static boolean isStream(Path path) {
        return OrderedFileWriter.isStream(Objects.requireNonNull(path, "path"));
    }

    /** The records file. */
    public Path output() {
        return output;
    }

    /** The rejects file. */
    public Path rejects() {
        return rejects;
    }

    /** The dead-letter file's format. */
    public RejectsFormat rejectsFormat() {
        return rejectsFormat;
    }

    /** The output path, as given. */
    @Override
    public String description() {
        return output.toString();
    }

    /**
     * Writes {@code orderedBatches} (sequence 0, 1, 2, ... in order). Never blocks the calling thread.
     *
     * @return completes once both files are forced to disk and published under their names; fails with an
     *     {@link java.io.IOException} naming the path on a file system error, with an {@link IllegalStateException}
     *     if a batch arrives out of sequence, or with the input's error; in every failure the temporary files are
     *     removed first
     */
    @Override
    public Mono<Void> write(Flux<RecordBatch> orderedBatches, SinkSettings settings) {
        Objects.requireNonNull(orderedBatches, "orderedBatches");
        Objects.requireNonNull(settings, "settings");
        return OrderedFileWriter.write(output, rejects, rejectsFormat == RejectsFormat.JSONL, orderedBatches, settings,
                durable);
    }

    @Override
    public String toString() {
        return "FileSink{output=" + output + ", rejects=" + rejects + ", " + rejectsFormat.cliName() + '}';
    }
}
