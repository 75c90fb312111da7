package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.RecordBatch;
import org.agrona.collections.LongArrayList;
import reactor.core.publisher.MonoSink;

/**
 * A batch handed to the stage and not yet answered: kept in the pipeline's memory (bounded by the in-flight window)
 * so that it can be re-delivered when a worker dies with it. Owned by the conductor thread, except
 * {@link #cancelled}.
 */
final class PendingBatch {
    final RecordBatch batch;
    final MonoSink<RecordBatch> sink;
    /** Deliveries so far minus one: the attempt number of the latest excerpt. */
    int attempt = -1;
    /** Workers that died while holding this batch. */
    int deaths;
    /** Input segment of the latest excerpt, or -1 before the first append. */
    long segment = -1;
    /** Excerpt (claim) numbers of every delivery, to forget them when the batch completes. */
    final LongArrayList excerpts = new LongArrayList();
    volatile boolean cancelled;

    PendingBatch(RecordBatch batch, MonoSink<RecordBatch> sink) {
        this.batch = batch;
        this.sink = sink;
    }
}
