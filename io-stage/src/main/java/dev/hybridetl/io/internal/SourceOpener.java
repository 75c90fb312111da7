package dev.hybridetl.io.internal;

import dev.hybridetl.api.SourceReader;
import dev.hybridetl.api.SourceSettings;
import reactor.core.publisher.Mono;

import java.nio.file.Path;

/**
 * Entry point of the file source's internals, used by {@code dev.hybridetl.io.FileSource}. Not an API: may change
 * without notice.
 */
public final class SourceOpener {
    private SourceOpener() {
    }

    /**
     * Opens {@code path} on the blocking scheduler, then reads its header through the event loop.
     *
     * @param durable the run's checkpoints: where to start and where to report batch ends; null for a plain read
     * @return a Mono of the opened reader; fails with a one-line message naming the path if it cannot be read
     */
    public static Mono<SourceReader> open(Path path, int chunkBytes, SourceSettings settings, DurableState durable) {
        SourcePoint start = durable == null ? SourcePoint.START : durable.start();
        // Only a run that checkpoints takes the batch ends back out of the map; for any other (a pipe or stdin as
        // input) the framer must not record them, or they would pile up for the whole run.
        SourcePositions positions = durable == null || !durable.checkpoints() ? null : durable.positions();
        return Mono.fromCallable(() -> InputFiles.open(path, chunkBytes, settings.blocking()))
                .subscribeOn(settings.blocking())
                .doOnDiscard(ChunkReader.class, ChunkReader::close)
                .flatMap(chunks -> {
                    // gzip sizes are compressed sizes: no hint for the decompressed bytes
                    long sizeHint = chunks instanceof AsyncFileChunkReader ? chunks.sizeBytes() : Long.MAX_VALUE;
                    BatchAssembler assembler = new BatchAssembler(settings.batchBytes(), sizeHint, settings.metrics(),
                            start.sequence());
                    LineFramer framer = new LineFramer(settings.maxRecordBytes(), assembler, start, positions);
                    return new FramingReader(chunks, framer, settings.eventLoop()).readHeader();
                })
                .onErrorMap(IllegalStateException.class,
                        e -> new IllegalStateException("input file " + path + ": " + e.getMessage(), e));
    }
}
