package dev.hybridetl.bench.scaling;

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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * "On the JVM, threads do scale": a fixed amount of CPU work split evenly over {@code threads} platform threads of
 * a fixed pool. With no global interpreter lock, the time per operation should fall close to 1/threads as long as
 * there are free cores (Python threads would not speed this up at all; Python needs processes for it).
 *
 * <ul>
 *   <li>{@link #pureMath}: a loop of {@code sin}/{@code sqrt} with no allocation and no shared state: the ideal
 *   case.</li>
 *   <li>{@link #flightsRoute}: the {@code flights-route} transform on {@value #ROUTE_ROWS} sample rows, one
 *   transform instance per thread (as the threads placement does): real code, which allocates and so also shares the
 *   allocator and the garbage collector.</li>
 * </ul>
 * Score: milliseconds per fixed amount of work (lower is better); speed-up = score(1) / score(N).
 * Run with {@code -p threads=1,2,4,8} on a bigger machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CpuScaling {
    static final int MATH_ITERATIONS = 1_000_000;
    static final int ROUTE_ROWS = 8_000;

    @Param({"1", "2"})
    public int threads;

    private ExecutorService pool;
    private List<RecordBatch> routeParts;
    private List<Transform> routeTransforms;

    @Setup(Level.Trial)
    public void start() throws Exception {
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cpu-scaling");
            t.setDaemon(true);
            return t;
        });
        SampleData sample = SampleData.head(ROUTE_ROWS);
        routeParts = new ArrayList<>();
        routeTransforms = new ArrayList<>();
        int per = sample.rows() / threads;
        for (int i = 0; i < threads; i++) {
            int count = i == threads - 1 ? sample.rows() - per * i : per;
            routeParts.add(sample.batch(i, per * i, count));
            Transform t = Transforms.get("flights-route").create();
            t.open(new TransformContext("flights-route", Map.of(), sample.header(), i));
            routeTransforms.add(t);
        }
    }

    @Benchmark
    public double pureMath() throws Exception {
        int per = MATH_ITERATIONS / threads;
        List<Future<Double>> parts = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            int from = per * i;
            parts.add(pool.submit(() -> mathKernel(from, from + per)));
        }
        double sum = 0;
        for (Future<Double> f : parts) {
            sum += f.get();
        }
        return sum;
    }

    @Benchmark
    public int flightsRoute() throws Exception {
        List<Future<Integer>> parts = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            Transform t = routeTransforms.get(i);
            RecordBatch in = routeParts.get(i);
            parts.add(pool.submit(() -> {
                RecordBatchBuilder out = RecordBatch.builder(in.sequence(), in.recordBytes() * 16, in.size());
                t.process(in, out);
                return out.build().recordBytes();
            }));
        }
        int bytes = 0;
        for (Future<Integer> f : parts) {
            bytes += f.get();
        }
        return bytes;
    }

    /** The great-circle formula's operations, on made-up angles: pure floating point, no memory traffic. */
    static double mathKernel(int from, int to) {
        double acc = 0;
        for (int i = from; i < to; i++) {
            double phi = i * 1e-6;
            double s = Math.sin(phi * 0.5);
            acc += Math.asin(Math.sqrt(s * s + 0.25 * Math.cos(phi) * s));
        }
        return acc;
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
        for (Transform t : routeTransforms) {
            t.close();
        }
    }
}
