package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The pending-batch table on its own: claims, re-deliveries, duplicates and split batches, without queues. */
class PendingBatchTableTest {
    private final List<PendingBatch> released = new ArrayList<>();
    private final PendingBatchTable table = new PendingBatchTable(released::add);

    /** A pending batch of {@code n} records whose result (or error) lands in {@code out}. */
    private static PendingBatch batch(long sequence, int n, AtomicReference<Object> out) {
        RecordBatchBuilder b = RecordBatch.builder(sequence);
        for (int i = 0; i < n; i++) {
            b.add(100 + i, "r" + i);
        }
        AtomicReference<PendingBatch> p = new AtomicReference<>();
        Mono.<RecordBatch>create(sink -> p.set(new PendingBatch(b.build(), sink)))
                .subscribe(out::set, out::set);
        return p.get();
    }

    private static List<String> records(Object result) {
        RecordBatch b = (RecordBatch) result;
        List<String> list = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            list.add(new String(b.data(), b.offset(i), b.length(i), StandardCharsets.UTF_8) + "@" + b.position(i));
        }
        return list;
    }

    @Test
    void shouldFindTheBatchOfEachDeliveryByItsClaimUntilItIsAnswered() {
        AtomicReference<Object> out = new AtomicReference<>();
        PendingBatch p = batch(7, 3, out);
        table.add(p);
        assertThat(table.nextToAppend()).isSameAs(p);
        table.appended(p, 40);

        assertThat(table.forClaim(40)).isSameAs(p);
        assertThat(table.answer(7)).isSameAs(p);
        assertThat(table.forClaim(40)).as("an answered batch is no one's claim").isNull();
        assertThat(table.size()).isZero();
        assertThat(released).containsExactly(p);
    }

    @Test
    void shouldAppendABatchAgainAndFindItByEitherClaimWhenItIsRedeliveredAfterAWorkerDied() {
        AtomicReference<Object> out = new AtomicReference<>();
        PendingBatch p = batch(1, 2, out);
        table.add(p);
        table.appended(table.nextToAppend(), 10);
        assertThat(table.hasWaiting()).isFalse();

        table.redeliver(p);
        assertThat(released).as("the first delivery's segment is released").containsExactly(p);
        assertThat(table.nextToAppend()).isSameAs(p);
        table.appended(p, 11);

        assertThat(table.forClaim(10)).isSameAs(p);
        assertThat(table.forClaim(11)).isSameAs(p);
        assertThat(table.answer(1)).isSameAs(p);
        assertThat(table.forClaim(10)).isNull();
        assertThat(table.forClaim(11)).isNull();
    }

    @Test
    void shouldDropAndCountADuplicateResultWhenTheBatchWasAlreadyAnswered() {
        AtomicReference<Object> out = new AtomicReference<>();
        PendingBatch p = batch(3, 1, out);
        table.add(p);
        table.appended(table.nextToAppend(), 0);
        assertThat(table.answer(3)).isSameAs(p);

        assertThat(table.answer(3)).isNull();
        assertThat(table.answer(99)).isNull();
        assertThat(table.duplicatesDropped()).isEqualTo(2);
    }

    @Test
    void shouldFindAPartByItsOwnClaimAndSkipTheSplitParentWhenAppending() {
        AtomicReference<Object> out = new AtomicReference<>();
        PendingBatch p = batch(5, 4, out);
        table.add(p);
        table.appended(table.nextToAppend(), 20);

        PendingBatch[] parts = table.split(p);
        assertThat(parts[0].wireSequence()).isEqualTo(PendingBatchTable.FIRST_PART_SEQUENCE);
        assertThat(parts[1].wireSequence()).isEqualTo(PendingBatchTable.FIRST_PART_SEQUENCE + 1);
        assertThat(table.forClaim(20)).as("the split parent is no longer pending").isNull();
        table.redeliver(p); // a stale re-delivery of the parent must not be appended
        assertThat(table.nextToAppend()).isSameAs(parts[0]);
        table.appended(parts[0], 21);
        assertThat(table.nextToAppend()).isSameAs(parts[1]);
        table.appended(parts[1], 22);
        assertThat(table.nextToAppend()).isNull();

        assertThat(table.forClaim(22)).isSameAs(parts[1]);
        assertThat(table.forClaim(21)).isSameAs(parts[0]);
        assertThat(parts[1].root()).isSameAs(p);
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void shouldDeliverTheJoinedHalvesInOrderOnlyWhenBothPartsAreAnswered() {
        AtomicReference<Object> out = new AtomicReference<>();
        PendingBatch p = batch(5, 3, out);
        table.add(p);
        table.appended(table.nextToAppend(), 0);
        PendingBatch[] parts = table.split(p);
        PendingBatch[] quarters = table.split(parts[1]); // a half split again: [r1] and [r2]

        PendingBatch second = table.answer(quarters[1].wireSequence());
        second.complete(quarters[1].batch, null);
        PendingBatch first = table.answer(parts[0].wireSequence());
        first.complete(parts[0].batch, null);
        assertThat(out.get()).as("nothing until every piece is answered").isNull();
        table.answer(quarters[0].wireSequence()).complete(quarters[0].batch, null);

        assertThat(records(out.get())).containsExactly("r0@100", "r1@101", "r2@102");
        assertThat(((RecordBatch) out.get()).sequence()).isEqualTo(5);
        assertThat(table.size()).isZero();
    }

    @Test
    void shouldFailEveryPendingBatchOnceAndForgetThemWhenTheStageFails() {
        AtomicReference<Object> a = new AtomicReference<>();
        AtomicReference<Object> b = new AtomicReference<>();
        PendingBatch p = batch(1, 2, a);
        table.add(p);
        table.add(batch(2, 1, b));
        table.split(p);

        IllegalStateException error = new IllegalStateException("boom");
        table.failAll(error);

        assertThat(a.get()).isSameAs(error);
        assertThat(b.get()).isSameAs(error);
        assertThat(table.size()).isZero();
        assertThat(table.nextToAppend()).isNull();
    }

    @Test
    void shouldSkipACancelledBatchWhenAppending() {
        AtomicReference<Object> out = new AtomicReference<>();
        PendingBatch p = batch(1, 1, out);
        table.add(p);
        p.cancelled = true;
        assertThat(table.nextToAppend()).isNull();
    }
}
