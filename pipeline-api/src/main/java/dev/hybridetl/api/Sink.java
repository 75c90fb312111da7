package dev.hybridetl.api;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where records and rejects go. Implementations live in {@code io-stage}.
 *
 * <p>Contract: {@link #write} receives batches in sequence order (the pipeline restores it). It completes only once
 * everything is durably written and published under its final name. If the flux fails or is cancelled, the sink
 * removes what it wrote, so that a failed run never leaves output that looks complete.
 */
public interface Sink {

    /** A short human description, e.g. the output path. */
    String description();

    /** Writes records and rejects. Never blocks the calling thread. */
    Mono<Void> write(Flux<RecordBatch> orderedBatches, SinkSettings settings);
}
