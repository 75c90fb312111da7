package dev.hybridetl.bench.handoff;

import dev.hybridetl.ipc.JvmAccess;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Hand-off cost between two processes through a queue: this JVM appends a long to a Chronicle queue, a child JVM
 * ({@link QueueEchoMain}) tails it and appends it to a second queue, which this JVM tails. One round trip = two
 * process-to-process hand-offs through memory-mapped files (queues on /dev/shm when it exists).
 *
 * <p>The waiting side's {@link IdleStrategy} decides the result: {@code busy-spin} gives the lowest latency but burns a
 * whole core per waiting process (on 2 cores the two spinning sides own the machine); {@code backoff} (spin, yield,
 * then park up to 1 ms, as the pipeline's workers do) costs far less CPU and far more latency.
 * Score: nanoseconds per round trip (child start-up is in {@code @Setup}, not measured).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProcessHandoff {
    @Param({"busy-spin", "backoff"})
    public String idle;

    private Path dir;
    private Process child;
    private SingleChronicleQueue ping;
    private SingleChronicleQueue pong;
    private ExcerptAppender appender;
    private ExcerptTailer tailer;
    private IdleStrategy idleStrategy;
    private long next;

    @Setup(Level.Trial)
    public void start() throws Exception {
        Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "bench-handoff-") : Files.createTempDirectory("bench-handoff-");
        ping = SingleChronicleQueueBuilder.binary(dir.resolve("ping")).build();
        pong = SingleChronicleQueueBuilder.binary(dir.resolve("pong")).build();
        appender = ping.createAppender();
        tailer = pong.createTailer();
        idleStrategy = idleStrategy(idle);
        child = launchEcho(dir, idle);
        // The first round trip waits out the child's start-up (about 0.6 s); roundTrip fails if the child dies.
        if (roundTrip() != 0) {
            throw new IllegalStateException("echo process answered the wrong value");
        }
    }

    @Benchmark
    public long roundTrip() {
        long sent = next++;
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().writeLong(sent);
        }
        idleStrategy.reset();
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (dc.isPresent()) {
                    return dc.wire().bytes().readLong();
                }
            }
            if (!child.isAlive()) {
                throw new IllegalStateException("echo process died with exit code " + child.exitValue());
            }
            idleStrategy.idle(0);
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().writeLong(QueueEchoMain.STOP);
        }
        if (!child.waitFor(10, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        ping.close();
        pong.close();
        deleteTree(dir);
    }

    static IdleStrategy idleStrategy(String name) {
        return switch (name) {
            case "busy-spin" -> new BusySpinIdleStrategy();
            case "backoff" -> new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
                    TimeUnit.MILLISECONDS.toNanos(1));
            default -> throw new IllegalArgumentException("idle must be busy-spin or backoff, was '" + name + "'");
        };
    }

    private static Process launchEcho(Path dir, String idle) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx64m");
        cmd.addAll(JvmAccess.childJvmFlags());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), QueueEchoMain.class.getName(),
                dir.resolve("ping").toString(), dir.resolve("pong").toString(), idle));
        return new ProcessBuilder(cmd).inheritIO().start();
    }

    static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
