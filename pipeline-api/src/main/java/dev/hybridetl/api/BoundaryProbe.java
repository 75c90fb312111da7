package dev.hybridetl.api;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Runs a sample through a real pipeline, one worker on a given placement, and measures the CPU that all the run's
 * processes (this JVM and its worker JVMs) spend per record in the steady state: the difference between the two
 * placements is what the process boundary costs for this transform's batches (encoding, the queue hop, decoding, on
 * both sides).
 *
 * <p>Design notes. The sample is replayed {@code warmPasses + measuredPasses} times as one run, renumbered; the sink
 * takes a snapshot of the process tree's CPU time when the first measured record arrives and when the last one
 * does, so that JVM start-up and JIT warm-up fall outside the measurement and the workers are still alive at the
 * second snapshot. CPU time, not wall time: it is what N workers would compete for, and a busy machine barely
 * changes it. Snapshots read {@code /proc}, so they run on the run's blocking scheduler, never on the event loop.
 */
final class BoundaryProbe {
    private BoundaryProbe() {
    }

    /** CPU nanoseconds per record of the measured passes, all processes of the run together. */
    static double cpuNanosPerRecord(Stage stage, Placement placement, String header, List<RecordBatch> sample,
                                    int warmPasses, int measuredPasses, ProcessSettings settings) {
        int records = sample.stream().mapToInt(RecordBatch::size).sum();
        long firstMeasured = (long) warmPasses * records;
        long last = firstMeasured + (long) measuredPasses * records;
        CpuSnapshotSink sink = new CpuSnapshotSink(firstMeasured, last);
        Pipeline.builder()
                .source(new ReplaySource(header, sample, warmPasses + measuredPasses))
                .stage(stage.withPlacement(placement).withWorkers(1))
                .sink(sink)
                .processSettings(settings)
                .eventLoopWatchdog(Duration.ZERO)
                .slowBatchWarning(Duration.ZERO)
                .build()
                .run();
        return (double) (sink.endCpuNanos - sink.startCpuNanos) / (last - firstMeasured);
    }

    /** CPU time of this process and all its descendants so far; 0 for a process that does not say. */
    static long processTreeCpuNanos() {
        return Stream.concat(Stream.of(ProcessHandle.current()), ProcessHandle.current().descendants())
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    }

    /** The sample's batches, {@code passes} times over, numbered 0, 1, 2, ... as a source numbers them. */
    private record ReplaySource(String header, List<RecordBatch> sample, int passes) implements Source {
        @Override
        public String description() {
            return "the profiler's sample";
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
                    return Flux.range(0, sample.size() * passes)
                            .map(i -> sample.get(i % sample.size()).withSequence(i));
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
    }

    /** Counts records; snapshots the process tree's CPU as record {@code first} and record {@code last} arrive. */
    private static final class CpuSnapshotSink implements Sink {
        private final long first;
        private final long last;
        private final AtomicLong seen = new AtomicLong();
        volatile long startCpuNanos;
        volatile long endCpuNanos;

        CpuSnapshotSink(long first, long last) {
            this.first = first;
            this.last = last;
        }

        @Override
        public String description() {
            return "the profiler's counter";
        }

        @Override
        public Mono<Void> write(Flux<RecordBatch> batches, SinkSettings settings) {
            return batches.concatMap(b -> {
                long before = seen.getAndAdd(b.size() + b.rejects().size());
                long after = before + b.size() + b.rejects().size();
                if (before <= first && first < after) {
                    return Mono.fromRunnable(() -> startCpuNanos = processTreeCpuNanos())
                            .subscribeOn(settings.blocking()).thenReturn(b);
                }
                if (after >= last && before < last) {
                    return Mono.fromRunnable(() -> endCpuNanos = processTreeCpuNanos())
                            .subscribeOn(settings.blocking()).thenReturn(b);
                }
                return Mono.just(b);
            }, 1).then();
        }
    }
}
