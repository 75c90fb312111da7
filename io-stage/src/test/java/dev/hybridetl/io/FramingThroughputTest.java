package dev.hybridetl.io;

import dev.hybridetl.api.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Path;

/**
 * A quick framing-throughput measurement, not part of the normal build: runs only with
 * {@code -Dio.bench.file=/path/to/flights-3m.csv} (plain or gzip). Prints framing time (the source's busy nanos)
 * and wall time per pass; the first passes warm up the JIT.
 */
@EnabledIfSystemProperty(named = "io.bench.file", matches = ".+")
class FramingThroughputTest {

    @Test
    void shouldReportFramingThroughputWhenAskedFor() {
        Path file = Path.of(System.getProperty("io.bench.file"));
        for (int pass = 0; pass < 5; pass++) {
            try (TestRuns runs = new TestRuns()) {
                long start = System.nanoTime();
                long[] records = {0};
                var reader = FileSource.of(file).open(runs.sourceSettings(Pipeline.DEFAULT_BATCH_BYTES,
                        Pipeline.DEFAULT_MAX_RECORD_BYTES)).block(TestRuns.TIMEOUT);
                reader.batches().doOnNext(b -> records[0] += b.size()).blockLast(TestRuns.TIMEOUT);
                long wallNanos = System.nanoTime() - start;
                long busyNanos = runs.sourceMetrics.busyNanos();
                System.out.printf("pass %d: %d records, %.1f MB, framing %.0f ms (%.0f MB/s), wall %.0f ms%n", pass,
                        records[0], reader.bytesRead() / 1e6, busyNanos / 1e6, reader.bytesRead() / 1e3 / (busyNanos / 1e6),
                        wallNanos / 1e6);
                reader.close();
            }
        }
    }
}
