package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.Sink;
import dev.hybridetl.api.SinkSettings;
import dev.hybridetl.api.Source;
import dev.hybridetl.api.SourceReader;
import dev.hybridetl.api.SourceSettings;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** An in-memory source of lines (header = line 1) and a sink that collects records and rejects, for tests. */
final class MemoryIo {
    private MemoryIo() {
    }

    static Source source(String header, List<String> lines, int linesPerBatch) {
        return new Source() {
            @Override
            public String description() {
                return "memory";
            }

            @Override
            public Mono<SourceReader> open(SourceSettings settings) {
                return Mono.just(new SourceReader() {
                    @Override
                    public String header() {
                        return header;
                    }

                    @Override
                    public Flux<RecordBatch> batches() {
                        int batches = (lines.size() + linesPerBatch - 1) / linesPerBatch;
                        return Flux.range(0, batches).map(b -> {
                            RecordBatchBuilder builder = RecordBatch.builder(b);
                            for (int i = b * linesPerBatch; i < Math.min(lines.size(), (b + 1) * linesPerBatch); i++) {
                                builder.add(i + 2, lines.get(i));
                            }
                            return builder.build();
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
                    }
                });
            }
        };
    }

    static final class CollectingSink implements Sink {
        final List<String> records = Collections.synchronizedList(new ArrayList<>());
        final List<Reject> rejects = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String description() {
            return "memory";
        }

        @Override
        public Mono<Void> write(Flux<RecordBatch> orderedBatches, SinkSettings settings) {
            return orderedBatches.doOnNext(b -> {
                for (int i = 0; i < b.size(); i++) {
                    records.add(new String(b.data(), b.offset(i), b.length(i), StandardCharsets.ISO_8859_1));
                }
                rejects.addAll(b.rejects());
            }).then();
        }
    }
}
