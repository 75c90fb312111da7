package dev.hybridetl.io.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.SinkSettings;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Entry point of the file sink's internals, used by {@code dev.hybridetl.io.FileSink}. Not an API: may change
 * without notice.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Threads.</b> Batches are encoded on the event loop, one buffer per file ({@link BatchEncoder}); the writes
 *       are asynchronous, and their completion hops back to the event loop. Creating, fsync-ing, renaming and
 *       deleting files block, so they run on the blocking scheduler.</li>
 *   <li><b>Bounded memory.</b> {@code concatMap} with prefetch 1: one batch being written (one write per file in
 *       flight) and one waiting. Backpressure reaches the pipeline through the demand.</li>
 *   <li><b>Regular files: atomic publication, together.</b> Both files are written under temporary names in their
 *       target directories. On success they are forced to disk and renamed onto their targets, rejects first, so
 *       that a complete-looking output implies its rejects are there too; if either rename fails, the other is
 *       undone ({@link Publication}), so the two are published together or not at all. On error or cancel the
 *       temporary files are closed and deleted; older target files are left as they were.</li>
 *   <li><b>Checkpoints</b> (a {@code DurableRun}): see {@link SinkFiles}.</li>
 *   <li><b>Streams</b> (stdout, a FIFO, a device: {@link OutputTarget}) are written in place and closed at the end;
 *       what was written cannot be taken back.</li>
 *   <li><b>The real cause.</b> Publishing is part of the write, not of the resource's clean-up: a failure to publish
 *       fails the write with its own message instead of Reactor's "Async resource cleanup failed".</li>
 * </ul>
 */
public final class OrderedFileWriter {
    private OrderedFileWriter() {
    }

    /**
     * Writes {@code batches} to {@code output} and their rejects to {@code rejects}.
     *
     * @param jsonRejects rejects as JSON lines ({@link RejectLines}), else as {@code reason TAB raw}
     * @param durable the run's checkpoints ({@link SinkFiles}), or null for a plain write
     * @return completes once both files are durable and published; fails with an {@link IOException} naming the path
     *     on a file system error, or an {@link IllegalStateException} if batches arrive out of sequence
     */
    public static Mono<Void> write(Path output, Path rejects, boolean jsonRejects, Flux<RecordBatch> batches,
                                   SinkSettings settings, DurableState durable) {
        return Mono.usingWhen(
                Mono.fromCallable(() -> SinkFiles.open(output, rejects, durable)).subscribeOn(settings.blocking()),
                files -> writeAll(files, batches, settings,
                                jsonRejects ? RejectLines.Format.JSONL : RejectLines.Format.TSV)
                        .then(Mono.fromCallable(files::publish).subscribeOn(settings.blocking()).then()),
                files -> Mono.empty(),
                (files, error) -> Mono.fromRunnable(files::discard).subscribeOn(settings.blocking()),
                files -> Mono.fromRunnable(files::discard).subscribeOn(settings.blocking()));
    }

    /** See {@code FileSink.isStream}. Blocking. */
    public static boolean isStream(Path path) {
        return OutputTarget.isStream(path);
    }

    private static Mono<Void> writeAll(SinkFiles files, Flux<RecordBatch> batches, SinkSettings settings,
                                       RejectLines.Format rejectsFormat) {
        BatchEncoder encoder = new BatchEncoder(settings.metrics(), rejectsFormat, files.firstSequence());
        return batches
                .publishOn(settings.eventLoop(), 2)
                .concatMap(batch -> {
                    BatchEncoder.Encoded encoded = encoder.encode(batch);
                    return Mono.when(files.records().append(encoded.records()),
                                    files.rejects().append(encoded.rejects()))
                            .publishOn(settings.eventLoop())
                            .then(Mono.fromRunnable(() -> files.batchWritten(batch, settings.blocking())));
                }, 1)
                .then();
    }
}
