package dev.hybridetl.bench.handoff;

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
 * Hand-off cost between two platform (OS) threads: one round trip = two blocking hand-offs through a
 * {@link java.util.concurrent.SynchronousQueue}, each a park/unpark pair, i.e. two context switches. The baseline
 * the other hand-off benchmarks ({@link VirtualThreadHandoff}, {@link PublishOnHandoff}, {@link ProcessHandoff})
 * are compared with. Score: nanoseconds per round trip.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PlatformThreadHandoff {
    static final int ROUND_TRIPS = 10_000;

    private ThreadPingPong pingPong;

    @Setup(Level.Trial)
    public void start() {
        pingPong = new ThreadPingPong(r -> {
            Thread t = new Thread(r, "platform-ping-pong");
            t.setDaemon(true);
            return t;
        }, ROUND_TRIPS);
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public int roundTrip() throws Exception {
        return pingPong.round();
    }

    @TearDown(Level.Trial)
    public void stop() {
        pingPong.close();
    }
}
