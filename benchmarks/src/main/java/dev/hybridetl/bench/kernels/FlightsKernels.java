package dev.hybridetl.bench.kernels;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;
import dev.hybridetl.api.Transforms;
import dev.hybridetl.bench.SampleData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The flights transform kernels per record, on one thread, through the public Transform API exactly as a stage
 * runner calls them: {@code Transforms.get(id).create()}, {@code open}, then {@code process} on a batch of
 * {@value #BATCH_RECORDS} sample rows (about the pipeline's default 64 KiB batch) into a presized builder.
 * Score: nanoseconds per record. This is the floor under every end-to-end configuration: 1e9 / score is the
 * records/s one core can reach with no I/O and no pipeline.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FlightsKernels {
    static final int BATCH_RECORDS = 2_000;

    @Param({"flights-enrich", "flights-route"})
    public String transform;

    private Transform kernel;
    private RecordBatch batch;
    private int expectedOutputBytes;

    @Setup(Level.Trial)
    public void open() throws Exception {
        SampleData sample = SampleData.head(BATCH_RECORDS);
        batch = sample.batch();
        kernel = Transforms.get(transform).create();
        kernel.open(new TransformContext(transform, Map.of(), sample.header(), 0));
        RecordBatchBuilder probe = RecordBatch.builder(0);
        kernel.process(batch, probe);
        expectedOutputBytes = probe.build().recordBytes();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH_RECORDS)
    public RecordBatch process() throws Exception {
        RecordBatchBuilder out = RecordBatch.builder(batch.sequence(), expectedOutputBytes, batch.size());
        kernel.process(batch, out);
        return out.build();
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        kernel.close();
    }
}
