package dev.hybridetl.api;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A source over lines held in memory, one batch per {@code perBatch} lines; positions start at 2 (after a header). */
final class MemorySource implements Source {
    private final List<String> lines;
    private final int perBatch;
    final AtomicLong closes = new AtomicLong();

    MemorySource(List<String> lines, int perBatch) {
        this.lines = lines;
        this.perBatch = perBatch;
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
                return Flux.range(0, batches).map(b -> {
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
