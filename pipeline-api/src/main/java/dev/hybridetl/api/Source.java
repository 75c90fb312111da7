package dev.hybridetl.api;

import reactor.core.publisher.Mono;

/**
 * Where records come from (a file, later HTTP or a stream). Implementations live in {@code io-stage}.
 *
 * <p>A source is a recipe: each {@link #open} starts an independent read.
 */
public interface Source {

    /** A short human description, e.g. the file path (for logs and the summary). */
    String description();

    /**
     * Starts reading. The returned Mono completes once the header has been read (so transforms can be opened with
     * it) and fails with a clear message if the source cannot be read. Never blocks the calling thread.
     */
    Mono<SourceReader> open(SourceSettings settings);
}
