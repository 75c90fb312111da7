package dev.hybridetl.api;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.function.LongConsumer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A source over lines held in memory, one batch per {@code perBatch} lines; positions start at 2 (after a header).
 * Given a {@code framing} action, it frames each batch on the run's event loop, as a file source does, calling the
 * action there first with the batch's sequence number.
 */
final class MemorySource implements Source {
    private final List<String> lines;
    private final int perBatch;
    private final LongConsumer framing;
    final AtomicLong closes = new AtomicLong();

    MemorySource(List<String> lines, int perBatch) {
        this(lines, perBatch, null);
    }

    MemorySource(List<String> lines, int perBatch, LongConsumer framing) {
        this.lines = lines;
        this.perBatch = perBatch;
        this.framing = framing;
    }

    @Override
    public String description() {
        return "memory";
    }

    @Override
    public Mono<SourceReader> open(SourceSettings settings) {
        return Mono.just(new SourceReader() {
            @Override
            public String header() {
                return "header";
            }

            @Override
            public Flux<RecordBatch> batches() {
                int batches = (lines.size() + perBatch - 1) / perBatch;
                Flux<Integer> sequences = Flux.range(0, batches);
                if (framing != null) {
                    sequences = sequences.publishOn(settings.eventLoop()).doOnNext(framing::accept);
                }
                return sequences.map(b -> {
                    RecordBatchBuilder out = RecordBatch.builder(b);
                    for (int i = b * perBatch; i < Math.min(lines.size(), (b + 1) * perBatch); i++) {
                        out.add(i + 2, lines.get(i));
                    }
                    return out.build();
                });
            }

            @Override
            public long bytesRead() {
                return 0;
            }

            @Override
            public long sizeBytes() {
                return -1;
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        });
    }
}
