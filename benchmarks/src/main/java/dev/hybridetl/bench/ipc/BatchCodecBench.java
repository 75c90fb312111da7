package dev.hybridetl.bench.ipc;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.bench.SampleData;
import dev.hybridetl.ipc.BatchCodec;
import net.openhft.chronicle.bytes.Bytes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The framing codec of the process boundary ({@link BatchCodec}) on its own, without a queue: encoding a batch of
 * {@value #BATCH_RECORDS} sample rows into a reused direct buffer, and decoding it back into a {@link RecordBatch}.
 * Score: nanoseconds per record (divide by about 33 bytes per row for ns/byte).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BatchCodecBench {
    static final int BATCH_RECORDS = 2_000;

    private final BatchCodec codec = new BatchCodec();
    private RecordBatch batch;
    private Bytes<?> scratch;
    private Bytes<?> encoded;

    @Setup(Level.Trial)
    public void prepare() {
        batch = SampleData.head(BATCH_RECORDS).batch();
        scratch = Bytes.allocateElasticDirect(BatchCodec.frameBytes(batch));
        encoded = Bytes.allocateElasticDirect(BatchCodec.frameBytes(batch));
        codec.encode(BatchCodec.KIND_BATCH, batch, 0, 0, encoded);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH_RECORDS)
    public long encode() {
        scratch.clear();
        codec.encode(BatchCodec.KIND_BATCH, batch, 0, 0, scratch);
        return scratch.writePosition();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH_RECORDS)
    public RecordBatch decode() {
        encoded.readPosition(0);
        return codec.decode(encoded).batch();
    }

    @TearDown(Level.Trial)
    public void release() {
        scratch.releaseLast();
        encoded.releaseLast();
    }
}
