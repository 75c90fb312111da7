package dev.hybridetl.bench.handoff;

import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;

/**
 * The child JVM of {@link ProcessHandoff}: tails the {@code ping} queue and appends every long it reads to the
 * {@code pong} queue, until it reads {@link #STOP} or its parent process dies.
 *
 * <p>Usage: {@code QueueEchoMain PING_DIR PONG_DIR busy-spin|backoff}. Needs the Chronicle JVM flags
 * ({@link dev.hybridetl.ipc.JvmAccess#childJvmFlags()}).
 */
public final class QueueEchoMain {
    /** The message that ends the echo loop. */
    static final long STOP = Long.MIN_VALUE;

    private QueueEchoMain() {
    }

    public static void main(String[] args) {
        IdleStrategy idle = ProcessHandoff.idleStrategy(args[2]);
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        try (SingleChronicleQueue ping = SingleChronicleQueueBuilder.binary(Path.of(args[0])).build();
             SingleChronicleQueue pong = SingleChronicleQueueBuilder.binary(Path.of(args[1])).build()) {
            ExcerptTailer tailer = ping.createTailer();
            ExcerptAppender appender = pong.createAppender();
            long idleRounds = 0;
            while (true) {
                long value;
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        idle.idle(0);
                        if (++idleRounds % 100_000 == 0 && parent != null && !parent.isAlive()) {
                            return; // orphaned: never outlive the benchmark JVM
                        }
                        continue;
                    }
                    value = dc.wire().bytes().readLong();
                }
                idle.reset();
                if (value == STOP) {
                    return;
                }
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().writeLong(value);
                }
            }
        }
    }
}
