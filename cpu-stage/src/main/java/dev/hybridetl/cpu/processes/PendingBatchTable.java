package dev.hybridetl.cpu.processes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The batches a process stage has been handed and not yet answered, by wire sequence and by the claim (excerpt
 * number) of each delivery, with the queue of those waiting to be appended. Every batch stays here until its first
 * result arrives; a later result for the same wire sequence is a duplicate and is dropped. The claim left in a dead
 * worker's slot finds the one batch it held ({@link #forClaim}).
 *
 * <p>Whenever a delivery's excerpt stops being needed (answered, re-appended, split, quarantined) the table calls
 * {@code releaseSegment}, so that the input segment holding it can be reclaimed.
 *
 * <p>Owned by the conductor thread; not thread-safe.
 */
final class PendingBatchTable {
    /** Wire sequences of batch parts: far above any real batch sequence. */
    static final long FIRST_PART_SEQUENCE = 1L << 62;

    private final Map<Long, PendingBatch> bySequence = new HashMap<>();
    private final Map<Long, Long> sequenceByClaim = new HashMap<>();
    private final ArrayDeque<PendingBatch> toAppend = new ArrayDeque<>();
    private final Consumer<PendingBatch> releaseSegment;
    private long nextPartSequence = FIRST_PART_SEQUENCE;
    private long duplicatesDropped;

    PendingBatchTable(Consumer<PendingBatch> releaseSegment) {
        this.releaseSegment = releaseSegment;
    }

    /** A batch handed in: pending, and waiting to be appended. */
    void add(PendingBatch p) {
        bySequence.put(p.wireSequence(), p);
        toAppend.add(p);
    }

    /** Unanswered batches. */
    int size() {
        return bySequence.size();
    }

    boolean hasWaiting() {
        return !toAppend.isEmpty();
    }

    /**
     * The next batch to append, skipping those cancelled or no longer pending (split or answered meanwhile), or
     * {@code null} if none is waiting.
     */
    PendingBatch nextToAppend() {
        PendingBatch p;
        while ((p = toAppend.poll()) != null) {
            if (!p.root().cancelled && bySequence.get(p.wireSequence()) == p) {
                return p;
            }
        }
        return null;
    }

    /** Records that {@code p} was appended as excerpt {@code claim}. */
    void appended(PendingBatch p, long claim) {
        sequenceByClaim.put(claim, p.wireSequence());
        p.excerpts.add(claim);
    }

    /**
     * The batch a result for {@code wireSequence} answers, now out of the table; {@code null} (and counted) if it was
     * answered before: a late duplicate from a worker presumed dead, or a re-delivery's second answer.
     */
    PendingBatch answer(long wireSequence) {
        PendingBatch p = bySequence.remove(wireSequence);
        if (p == null) {
            duplicatesDropped++;
            return null;
        }
        forget(p);
        return p;
    }

    /** Takes {@code p} out without an answer (it is quarantined or failed instead). */
    void remove(PendingBatch p) {
        if (bySequence.remove(p.wireSequence(), p)) {
            forget(p);
        }
    }

    /** The unanswered batch delivered as excerpt {@code claim}, or {@code null}. */
    PendingBatch forClaim(long claim) {
        Long sequence = sequenceByClaim.get(claim);
        return sequence == null ? null : bySequence.get(sequence);
    }

    /** Appends {@code p} again (a worker died with it); its old excerpt is no longer needed. */
    void redeliver(PendingBatch p) {
        releaseSegment.accept(p);
        toAppend.add(p);
    }

    /** Replaces {@code p} by its two halves, pending and waiting in its place; returns them. */
    PendingBatch[] split(PendingBatch p) {
        PendingBatch[] parts = p.split(nextPartSequence);
        nextPartSequence += 2;
        remove(p);
        for (PendingBatch part : parts) {
            add(part);
        }
        return parts;
    }

    /** Fails every unanswered batch with {@code error} and empties the table. */
    void failAll(Throwable error) {
        List<PendingBatch> all = new ArrayList<>(bySequence.values());
        bySequence.clear();
        sequenceByClaim.clear();
        toAppend.clear();
        for (PendingBatch p : all) {
            p.complete(null, error);
        }
    }

    long duplicatesDropped() {
        return duplicatesDropped;
    }

    private void forget(PendingBatch p) {
        releaseSegment.accept(p);
        for (int i = 0; i < p.excerpts.size(); i++) {
            sequenceByClaim.remove(p.excerpts.getLong(i));
        }
    }
}
