package dev.hybridetl.api;

import reactor.core.publisher.Flux;

/**
 * An opened source: its header, then its records in batches.
 *
 * <p>{@link #batches()} may be subscribed once. It honours backpressure: it reads ahead at most a bounded amount,
 * so memory does not grow with the input. Batches carry sequence numbers 0, 1, 2, ...; records that cannot be
 * framed (too long) are carried as rejects of the batch where they occur.
 */
public interface SourceReader extends AutoCloseable {

    /** The header line without its terminator, or the empty string if the source is empty. */
    String header();

    /** The records, in source order. */
    Flux<RecordBatch> batches();

    /** Bytes consumed from the underlying resource so far (compressed bytes for compressed input). */
    long bytesRead();

    /** Size of the underlying resource in bytes, or -1 if unknown; comparable with {@link #bytesRead()}. */
    long sizeBytes();

    /** Releases the underlying resource; idempotent, safe from any thread, never throws. */
    @Override
    void close();
}
