package dev.hybridetl.bench.handoff;

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
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.util.concurrent.TimeUnit;

/**
 * Hand-off cost between two Reactor operators on different schedulers: {@code Flux.range} emits on scheduler A
 * ({@code subscribeOn}) and {@code publishOn} moves each element to scheduler B through its bounded queue.
 *
 * <ul>
 *   <li>{@code prefetch = 1}: B requests one element at a time, so each element is a request/hand-off across threads
 *   (close to the ping-pong of {@link PlatformThreadHandoff}, but with Reactor's work-stealing drain loop instead of a
 *   park per element when both sides are busy).</li>
 *   <li>{@code prefetch = 256}: Reactor's default. A queue between two running threads, batched replenishment: the
 *   amortised cost of one element crossing an asynchronous boundary, which is what the pipeline pays per batch.</li>
 * </ul>
 * Score: nanoseconds per element.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PublishOnHandoff {
    static final int ELEMENTS = 100_000;

    @Param({"1", "256"})
    public int prefetch;

    private Scheduler upstream;
    private Scheduler downstream;

    @Setup(Level.Trial)
    public void start() {
        upstream = Schedulers.newSingle("bench-upstream");
        downstream = Schedulers.newSingle("bench-downstream");
    }

    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public Long crossPublishOn() {
        return Flux.range(0, ELEMENTS)
                .subscribeOn(upstream)
                .publishOn(downstream, prefetch)
                .count()
                .block();
    }

    @TearDown(Level.Trial)
    public void stop() {
        upstream.dispose();
        downstream.dispose();
    }
}
