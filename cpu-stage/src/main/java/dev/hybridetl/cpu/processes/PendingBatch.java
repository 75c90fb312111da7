package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Reject;
import org.agrona.collections.LongArrayList;
import reactor.core.publisher.MonoSink;

import java.util.List;

/**
 * A batch handed to the stage and not yet answered: kept in the pipeline's memory (bounded by the in-flight window)
 * so that it can be re-delivered when a worker dies with it. Owned by the conductor thread, except
 * {@link #cancelled}.
 *
 * <p><b>Parts.</b> A batch that keeps killing workers, or that a worker runs out of memory on, is split in two halves
 * (recursively, like Spring Batch's chunk scanning), until the records that kill a worker are isolated and only they
 * are dead-lettered. A part is a {@code PendingBatch} of its own, with a slice of its parent's records (sharing the
 * parent's bytes, not copying them) under a <em>wire sequence</em> of its own, so that the queue, the claims and the
 * result frames treat it like any batch. When both parts of a parent are answered, their results are joined, in
 * order, into the parent's result.
 *
 * <p>Its lookup by wire sequence and by claim lives in {@link PendingBatchTable}.
 */
final class PendingBatch {
    /** What goes on the wire: the whole batch, or for a part its slice, numbered with the part's wire sequence. */
    final RecordBatch batch;
    /** Where the root batch's result goes; {@code null} for a part. */
    final MonoSink<RecordBatch> sink;
    /** The batch this one is a half of, or {@code null} for a batch the pipeline handed in. */
    final PendingBatch parent;
    private final int partIndex;
    /** The results of this batch's two parts, once it has been split. */
    private RecordBatch[] partResults;
    private int partsLeft;
    /** Deliveries so far (of this batch and of those it is a part of) minus one: the latest excerpt's attempt. */
    int attempt = -1;
    /** Workers that died (crashed, or were killed for a stuck batch) while holding this batch. */
    int deaths;
    /** Workers killed from outside (SIGKILL or SIGTERM not sent by the pipeline) while holding this batch. */
    int externalKills;
    /** Input segment of the latest excerpt, or -1 before the first append. */
    long segment = -1;
    /** Excerpt (claim) numbers of every delivery, to forget them when the batch completes. */
    final LongArrayList excerpts = new LongArrayList();
    /** Set by the subscriber's thread when the pipeline no longer wants the result; read through {@link #root()}. */
    volatile boolean cancelled;

    PendingBatch(RecordBatch batch, MonoSink<RecordBatch> sink) {
        this(batch, sink, null, 0);
    }

    private PendingBatch(RecordBatch batch, MonoSink<RecordBatch> sink, PendingBatch parent, int partIndex) {
        this.batch = batch;
        this.sink = sink;
        this.parent = parent;
        this.partIndex = partIndex;
    }

    /** The batch the pipeline handed in, of which this is (a part of a part of ...) a part. */
    PendingBatch root() {
        PendingBatch p = this;
        while (p.parent != null) {
            p = p.parent;
        }
        return p;
    }

    /** The wire sequence: the key of this batch in the queue, the claims and the result frames. */
    long wireSequence() {
        return batch.sequence();
    }

    /** The line (source position) of its first record, -1 if it has none: for messages. */
    long firstLine() {
        return batch.size() == 0 ? -1 : batch.position(0);
    }

    /** Splits into two halves numbered {@code firstWireSequence} and the next; needs at least two records. */
    PendingBatch[] split(long firstWireSequence) {
        int n = batch.size();
        if (n < 2) {
            throw new IllegalStateException("a batch of " + n + " records cannot be split");
        }
        int half = n / 2;
        partResults = new RecordBatch[2];
        partsLeft = 2;
        PendingBatch[] parts = {
            new PendingBatch(slice(batch, 0, half, firstWireSequence), null, this, 0),
            new PendingBatch(slice(batch, half, n, firstWireSequence + 1), null, this, 1)};
        for (PendingBatch part : parts) {
            part.attempt = attempt; // a record's attempts count every delivery of the batches that held it
        }
        return parts;
    }

    /**
     * Records the result of this part in its parent. Returns the parent's joined result once both of its parts are
     * answered, else {@code null}.
     */
    private RecordBatch completePart(RecordBatch result) {
        PendingBatch p = parent;
        p.partResults[partIndex] = result;
        if (--p.partsLeft > 0) {
            return null;
        }
        return join(p.wireSequence(), p.partResults[0], p.partResults[1]);
    }

    /**
     * Delivers this batch's result, or {@code error}, to its root's subscriber: a part's result waits for its
     * sibling, then the two go up joined. Nothing happens once the root was cancelled.
     */
    void complete(RecordBatch out, Throwable error) {
        PendingBatch root = root();
        if (root.cancelled) {
            return;
        }
        if (error != null) {
            root.sink.error(error);
            return;
        }
        PendingBatch at = this;
        RecordBatch result = out;
        while (at.parent != null && result != null) {
            result = at.completePart(result);
            at = at.parent;
        }
        if (result != null) {
            root.sink.success(result);
        }
    }

    /** Records {@code [from, to)} of {@code in}, sharing its bytes, without its rejects. */
    static RecordBatch slice(RecordBatch in, int from, int to, long sequence) {
        int n = to - from;
        int[] offsets = new int[n + 1];
        long[] positions = new long[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = in.offset(from + i);
            positions[i] = in.position(from + i);
        }
        offsets[n] = n == 0 ? 0 : in.offset(to - 1) + in.length(to - 1);
        return RecordBatch.wrap(sequence, n, in.data(), offsets, positions, List.of());
    }

    /** The records and rejects of {@code first} then {@code second}, as one batch numbered {@code sequence}. */
    static RecordBatch join(long sequence, RecordBatch first, RecordBatch second) {
        RecordBatchBuilder out = RecordBatch.builder(sequence, first.recordBytes() + second.recordBytes(),
                first.size() + second.size());
        for (RecordBatch part : new RecordBatch[] {first, second}) {
            for (int i = 0; i < part.size(); i++) {
                out.add(part.position(i), part.data(), part.offset(i), part.length(i));
            }
        }
        for (RecordBatch part : new RecordBatch[] {first, second}) {
            for (Reject r : part.rejects()) {
                out.reject(r);
            }
        }
        return out.build();
    }
}
