package dev.hybridetl.api;

import reactor.core.publisher.Flux;

import java.util.Optional;

/**
 * An opened source: its header, then its records in batches.
 *
 * <p>{@link #batches()} may be subscribed once. It honours backpressure: it reads ahead at most a bounded amount,
 * so memory does not grow with the input. Batches carry sequence numbers 0, 1, 2, ...; records that cannot be
 * framed (too long) are carried as rejects of the batch where they occur.
 *
 * <p>A source that never ends by itself (a socket, a followed file) says so with {@link #unbounded()}: its
 * {@link #batches()} completes only after {@link #stop()}, and its run yields a result only then
 * ({@link PipelineRun#stop()}). The methods for that have defaults, so a bounded source implements none of them.
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

    /**
     * True if the records never end by themselves: the run reports a rate but no ETA, and ends only when stopped.
     * Default: false.
     */
    default boolean unbounded() {
        return false;
    }

    /**
     * Asks the reader to stop reading and to complete {@link #batches()} normally, after a last batch with the whole
     * records it has read (a partial line is not a record yet: it is left unread). Returns at once, from any thread.
     *
     * @return true if the reader completes its batches itself; false (the default) to let the pipeline cut
     *     {@link #batches()} after the batches already emitted (a bounded source need not implement this)
     */
    default boolean stop() {
        return false;
    }

    /**
     * Where a new read would continue after the records this reader has emitted: defined once {@link #batches()}
     * has completed (the input ended, or a {@link #stop()} drained it), when every record emitted has been
     * committed by the sink. Empty if the source cannot continue a read (the default; a socket).
     */
    default Optional<SourcePosition> position() {
        return Optional.empty();
    }

    /** Releases the underlying resource; idempotent, safe from any thread, never throws. */
    @Override
    void close();
}
