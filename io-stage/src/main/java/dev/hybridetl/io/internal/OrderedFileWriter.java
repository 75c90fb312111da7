package dev.hybridetl.io.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.SinkSettings;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
     * @return completes once both files are durable and published; fails with an {@link IOException} naming the path
     *     on a file system error, or an {@link IllegalStateException} if batches arrive out of sequence
     */
    public static Mono<Void> write(Path output, Path rejects, boolean jsonRejects, Flux<RecordBatch> batches,
                                   SinkSettings settings) {
        return Mono.usingWhen(
                Mono.fromCallable(() -> Outputs.open(output, rejects)).subscribeOn(settings.blocking()),
                outputs -> writeAll(outputs, batches, settings,
                                jsonRejects ? RejectLines.Format.JSONL : RejectLines.Format.TSV)
                        .then(Mono.fromCallable(outputs::publish).subscribeOn(settings.blocking()).then()),
                outputs -> Mono.empty(),
                (outputs, error) -> Mono.fromRunnable(outputs::discard).subscribeOn(settings.blocking()),
                outputs -> Mono.fromRunnable(outputs::discard).subscribeOn(settings.blocking()));
    }

    /** See {@code FileSink.isStream}. Blocking. */
    public static boolean isStream(Path path) {
        return OutputTarget.isStream(path);
    }

    private static Mono<Void> writeAll(Outputs outputs, Flux<RecordBatch> batches, SinkSettings settings,
                                       RejectLines.Format rejectsFormat) {
        BatchEncoder encoder = new BatchEncoder(settings.metrics(), rejectsFormat);
        return batches
                .publishOn(settings.eventLoop(), 2)
                .concatMap(batch -> {
                    BatchEncoder.Encoded encoded = encoder.encode(batch);
                    return Mono.when(outputs.records().append(encoded.records()),
                                    outputs.rejects().append(encoded.rejects()))
                            .publishOn(settings.eventLoop());
                }, 1)
                .then();
    }

    /** The two files of one write; publish and discard exclude each other, and only the first of them acts. */
    private static final class Outputs {
        private final OutputFile records;
        private final OutputFile rejects;
        private boolean ended;

        private Outputs(OutputFile records, OutputFile rejects) {
            this.records = records;
            this.rejects = rejects;
        }

        OutputFile records() {
            return records;
        }

        OutputFile rejects() {
            return rejects;
        }

        /** Blocking. */
        static Outputs open(Path output, Path rejects) throws IOException {
            OutputFile records = openOne(output);
            try {
                return new Outputs(records, openOne(rejects));
            } catch (IOException | RuntimeException e) {
                records.discard();
                throw e;
            }
        }

        private static OutputFile openOne(Path path) throws IOException {
            OutputTarget target = OutputTarget.of(path);
            return target.stream() ? StreamFile.open(target) : StagedFile.create(target);
        }

        /**
         * Blocking: forces and closes both, then renames the staged ones together; on failure discards both and
         * throws. Returns true (a value, so that it can be a Callable).
         */
        synchronized Boolean publish() throws IOException {
            if (ended) {
                return Boolean.TRUE;
            }
            ended = true;
            try {
                records.finish();
                rejects.finish();
                List<StagedFile> staged = new ArrayList<>(2);
                for (OutputFile f : List.of(rejects, records)) {
                    if (f instanceof StagedFile s) {
                        staged.add(s);
                    }
                }
                Publication.publishAll(staged);
                return Boolean.TRUE;
            } catch (IOException | RuntimeException e) {
                records.discard();
                rejects.discard();
                throw e;
            }
        }

        /** Blocking, never throws. */
        synchronized void discard() {
            if (ended) {
                return;
            }
            ended = true;
            records.discard();
            rejects.discard();
        }
    }
}
