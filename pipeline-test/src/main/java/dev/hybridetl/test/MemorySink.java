package dev.hybridetl.test;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.Sink;
import dev.hybridetl.api.SinkSettings;
import dev.hybridetl.test.internal.SinkBytes;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Sink} that keeps what a run wrote in memory, and renders it as the file sink writes it: each record
 * followed by {@code LF}; rejects as {@code reason TAB raw LF}, per batch sorted by position.
 *
 * <p>Like the file sink it fails the run when a batch arrives out of sequence (0, 1, 2, ...). It keeps what the
 * last {@link #write} received (a new write starts empty) and says with {@link #completed()} whether that write
 * ended successfully; unlike the file sink it does not discard a failed run's records, so a test can look at them.
 *
 * <p>Thread-safe: read it from any thread, typically after the run's future completed.
 */
public final class MemorySink implements Sink {
    private final List<RecordBatch> batches = new ArrayList<>();
    private boolean completed;

    @Override
    public String description() {
        return "memory";
    }

    @Override
    public Mono<Void> write(Flux<RecordBatch> orderedBatches, SinkSettings settings) {
        return Mono.defer(() -> {
            synchronized (this) {
                batches.clear();
                completed = false;
            }
            return orderedBatches.doOnNext(this::accept).then(Mono.fromRunnable(this::complete));
        });
    }

    private synchronized void accept(RecordBatch b) {
        if (b.sequence() != batches.size()) {
            throw new IllegalStateException("batch " + b.sequence() + " arrived out of sequence: expected batch "
                    + batches.size());
        }
        batches.add(b);
    }

    private synchronized void complete() {
        completed = true;
    }

    /** True once the last write received everything and completed. */
    public synchronized boolean completed() {
        return completed;
    }

    /** The batches received, in sequence order. */
    public synchronized List<RecordBatch> batches() {
        return List.copyOf(batches);
    }

    /** The sequence numbers received, in arrival order. */
    public synchronized List<Long> sequences() {
        return batches.stream().map(RecordBatch::sequence).toList();
    }

    /** The records, decoded as ISO-8859-1 (byte-transparent). */
    public List<String> records() {
        return SinkBytes.recordTexts(batches());
    }

    /** The records as the file sink writes them: each followed by {@code LF}. */
    public byte[] output() {
        return SinkBytes.records(batches());
    }

    /** The rejects in the order the file sink writes them: batch by batch, each batch's sorted by position. */
    public List<Reject> rejects() {
        return SinkBytes.sortedRejects(batches());
    }

    /** The rejects as the file sink writes them: {@code reason TAB raw LF}. */
    public byte[] rejectsOutput() {
        return SinkBytes.rejects(batches());
    }
}
