package dev.hybridetl.bench.ipc;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.bench.SampleData;
import dev.hybridetl.ipc.BatchCodec;
import dev.hybridetl.ipc.StageQueues;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The mechanics of one IPC hop for a batch of {@value #BATCH_RECORDS} sample rows, put in and taken out again on
 * one thread (so no thread hand-off is included: {@code *Handoff} benchmarks measure that), per record:
 * <ul>
 *   <li>{@code project-channel}: what the processes placement does per batch: {@link BatchCodec} encodes into a
 *   Chronicle excerpt of a queue opened by {@link StageQueues} (its block size and file permissions), a tailer reads
 *   it and the codec decodes a fresh {@link RecordBatch}.</li>
 *   <li>{@code raw-chronicle}: the same frame bytes, already encoded, appended to and read from a default Chronicle
 *   queue as a byte copy: the floor of the channel, so {@code project-channel / raw-chronicle} is the project's
 *   own overhead.</li>
 *   <li>{@code array-blocking-queue} and {@code agrona-spsc}: what the threads placement pays instead: a reference
 *   through an in-process queue ({@link ArrayBlockingQueue}, Agrona {@link OneToOneConcurrentArrayQueue}), no copy,
 *   no encoding.</li>
 * </ul>
 * Queues live on /dev/shm when it exists (as the pipeline's do) and are deleted after each iteration: short
 * iterations keep the disk they use to a few hundred MB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
public class IpcHopBench {
    static final int BATCH_RECORDS = 2_000;

    @Param({"project-channel", "raw-chronicle", "array-blocking-queue", "agrona-spsc"})
    public String channel;

    private final BatchCodec codec = new BatchCodec();
    private RecordBatch batch;
    private byte[] frame;
    private byte[] readBack;
    private Path dir;
    private SingleChronicleQueue queue;
    private ExcerptAppender appender;
    private ExcerptTailer tailer;
    private final ArrayBlockingQueue<RecordBatch> blockingQueue = new ArrayBlockingQueue<>(16);
    private final OneToOneConcurrentArrayQueue<RecordBatch> spscQueue = new OneToOneConcurrentArrayQueue<>(16);

    @Setup(Level.Trial)
    public void prepare() {
        batch = SampleData.head(BATCH_RECORDS).batch();
        Bytes<?> bytes = Bytes.allocateElasticOnHeap((int) BatchCodec.frameBytes(batch));
        codec.encode(BatchCodec.KIND_BATCH, batch, 0, 0, bytes);
        frame = bytes.toByteArray();
        readBack = new byte[frame.length];
        bytes.releaseLast();
    }

    @Setup(Level.Iteration)
    public void openQueue() throws IOException {
        if (!channel.endsWith("chronicle") && !channel.equals("project-channel")) {
            return;
        }
        Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "bench-ipc-") : Files.createTempDirectory("bench-ipc-");
        queue = channel.equals("project-channel") ? StageQueues.open(dir.resolve("in-0"))
                : SingleChronicleQueueBuilder.binary(dir.resolve("raw")).rollCycle(RollCycles.FAST_DAILY)
                .blockSize(4L * BatchCodec.DEFAULT_MAX_FRAME_BYTES).build();
        appender = queue.createAppender();
        tailer = queue.createTailer();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH_RECORDS)
    public Object hop() {
        switch (channel) {
            case "project-channel" -> {
                return projectChannel();
            }
            case "raw-chronicle" -> {
                return rawChronicle();
            }
            case "array-blocking-queue" -> {
                blockingQueue.offer(batch);
                return blockingQueue.poll();
            }
            case "agrona-spsc" -> {
                spscQueue.offer(batch);
                return spscQueue.poll();
            }
            default -> throw new IllegalArgumentException("unknown channel '" + channel + "'");
        }
    }

    private RecordBatch projectChannel() {
        try (DocumentContext dc = appender.writingDocument()) {
            codec.encode(BatchCodec.KIND_BATCH, batch, 0, 0, dc.wire().bytes());
        }
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                throw new IllegalStateException("the excerpt just appended is not readable");
            }
            return codec.decode(dc.wire().bytes()).batch();
        }
    }

    private byte[] rawChronicle() {
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(frame);
        }
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                throw new IllegalStateException("the excerpt just appended is not readable");
            }
            dc.wire().bytes().read(readBack);
            return readBack;
        }
    }

    @TearDown(Level.Iteration)
    public void deleteQueue() throws IOException {
        if (queue == null) {
            return;
        }
        queue.close();
        queue = null;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
