package dev.hybridetl.api;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that keeps records and rejects in memory, and the order of the sequences it saw. */
final class MemorySink implements Sink {
    final List<String> records = new CopyOnWriteArrayList<>();
    final List<Reject> rejects = new CopyOnWriteArrayList<>();
    final List<Long> sequences = new CopyOnWriteArrayList<>();

    @Override
    public String description() {
        return "memory";
    }

    @Override
    public Mono<Void> write(Flux<RecordBatch> orderedBatches, SinkSettings settings) {
        return orderedBatches.doOnNext(b -> {
            sequences.add(b.sequence());
            for (int i = 0; i < b.size(); i++) {
                records.add(new String(b.recordCopy(i), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            rejects.addAll(b.rejects());
        }).then();
    }
}
