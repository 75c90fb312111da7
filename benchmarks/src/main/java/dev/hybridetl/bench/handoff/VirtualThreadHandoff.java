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

import java.lang.reflect.Method;
import java.util.function.Function;
import java.util.concurrent.TimeUnit;

/**
 * Hand-off cost between two virtual threads: the same ping-pong as {@link PlatformThreadHandoff}, but parking a
 * virtual thread unmounts it from its carrier instead of blocking an OS thread, so a hand-off is a continuation
 * switch, not a kernel context switch (the JVM's answer to a coroutine switch in {@code asyncio}).
 *
 * <p>The code is compiled for Java 17, which has no virtual threads, so it finds {@code Thread.ofVirtual()} by
 * reflection. On a JDK without them (17–18; 19–20 without {@code --enable-preview}) setup fails with a message that
 * says so, JMH reports this benchmark as failed and goes on with the others: run on JDK 21+ to measure it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VirtualThreadHandoff {
    private ThreadPingPong pingPong;

    @Setup(Level.Trial)
    public void start() {
        pingPong = new ThreadPingPong(virtualThreads(), PlatformThreadHandoff.ROUND_TRIPS);
    }

    @Benchmark
    @OperationsPerInvocation(PlatformThreadHandoff.ROUND_TRIPS)
    public int roundTrip() throws Exception {
        return pingPong.round();
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (pingPong != null) {
            pingPong.close();
        }
    }

    /**
     * A factory of unstarted virtual threads, through {@code Thread.ofVirtual().unstarted(r)} found by reflection.
     *
     * @throws UnsupportedOperationException naming the running JDK, if it has no virtual threads
     */
    static Function<Runnable, Thread> virtualThreads() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Method unstarted = Class.forName("java.lang.Thread$Builder").getMethod("unstarted", Runnable.class);
            return r -> {
                try {
                    return (Thread) unstarted.invoke(builder, r);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("Thread.Builder.unstarted failed", e);
                }
            };
        } catch (ReflectiveOperationException | UnsupportedOperationException e) {
            throw new UnsupportedOperationException("SKIPPED: virtual threads are not available on Java "
                    + Runtime.version() + " (Thread.ofVirtual needs JDK 21+, or 19-20 with --enable-preview): " + e,
                    e);
        }
    }
}
