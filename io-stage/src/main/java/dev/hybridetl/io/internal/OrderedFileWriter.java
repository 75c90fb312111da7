package dev.hybridetl.io.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.SinkSettings;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Entry point of the file sink's internals, used by {@code dev.hybridetl.io.FileSink}. Not an API: may change
 * without notice.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Threads.</b> Batches are encoded on the event loop, one buffer per file ({@link BatchEncoder}); the writes
 *       are asynchronous ({@code AsynchronousFileChannel}), and their completion hops back to the event loop.
 *       Creating, fsync-ing, renaming and deleting files block, so they run on the blocking scheduler.</li>
 *   <li><b>Bounded memory.</b> {@code concatMap} with prefetch 1: one batch being written (one write per file in
 *       flight) and one waiting. Backpressure reaches the pipeline through the demand.</li>
 *   <li><b>Atomic publication.</b> Both files are written under temporary names in their target directories. On
 *       success they are forced to disk and renamed onto their targets ({@code ATOMIC_MOVE}, falling back to
 *       {@code REPLACE_EXISTING} where the file system cannot), rejects first, so that a complete-looking output
 *       implies its rejects are there too. On error or cancel the temporary files are closed and deleted; an older
 *       target file is left as it was.</li>
 * </ul>
 */
public final class OrderedFileWriter {
    private OrderedFileWriter() {
    }

    /**
     * Writes {@code batches} to {@code output} and their rejects to {@code rejects}.
     *
     * @return completes once both files are durable and published; fails with an {@link IOException} naming the path
     *     on a file system error, or an {@link IllegalStateException} if batches arrive out of sequence
     */
    public static Mono<Void> write(Path output, Path rejects, Flux<RecordBatch> batches, SinkSettings settings) {
        return Mono.usingWhen(
                Mono.fromCallable(() -> Outputs.create(output, rejects)).subscribeOn(settings.blocking()),
                outputs -> writeAll(outputs, batches, settings),
                outputs -> Mono.fromCallable(outputs::publish).subscribeOn(settings.blocking()).then(),
                (outputs, error) -> Mono.fromRunnable(outputs::discard).subscribeOn(settings.blocking()),
                outputs -> Mono.fromRunnable(outputs::discard).subscribeOn(settings.blocking()));
    }

    private static Mono<Void> writeAll(Outputs outputs, Flux<RecordBatch> batches, SinkSettings settings) {
        BatchEncoder encoder = new BatchEncoder(settings.metrics());
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

    /** The two staged files of one write. */
    private record Outputs(StagedFile records, StagedFile rejects) {

        /** Blocking. */
        static Outputs create(Path output, Path rejects) throws IOException {
            StagedFile records = StagedFile.create(output);
            try {
                return new Outputs(records, StagedFile.create(rejects));
            } catch (IOException | RuntimeException e) {
                records.discard();
                throw e;
            }
        }

        /** Blocking. Returns true (a value, so it can be a Callable); on failure discards both and throws. */
        Boolean publish() throws IOException {
            try {
                records.forceAndClose();
                rejects.forceAndClose();
                rejects.publish();
                records.publish();
            } catch (IOException | RuntimeException e) {
                discard();
                throw e;
            }
            forceDirectory(records.temp().getParent());
            forceDirectory(rejects.temp().getParent());
            return Boolean.TRUE;
        }

        /** Blocking, never throws. */
        void discard() {
            records.discard();
            rejects.discard();
        }

        /** Makes the renames durable where the platform allows fsync on a directory; best effort. */
        private static void forceDirectory(Path dir) {
            try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
                channel.force(true);
            } catch (IOException | RuntimeException ignored) {
                // Not supported everywhere (e.g. Windows); the files themselves are already forced.
            }
        }
    }
}
