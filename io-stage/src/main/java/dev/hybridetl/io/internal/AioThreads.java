package dev.hybridetl.io.internal;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens asynchronous file channels that each own one I/O thread, stopped when the channel is closed.
 *
 * <p>Why not the JDK's default: without an executor, {@code AsynchronousFileChannel} shares a JVM-wide cached pool
 * whose idle threads linger for a minute after a run, so a run would leave threads behind. With one thread per
 * channel every thread a run starts also ends with it. The work queue is a {@link LinkedTransferQueue} and the
 * thread is started up front, so submitting a read or write from the event loop never takes a lock.
 */
final class AioThreads {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private AioThreads() {
    }

    /** A channel and the executor that serves it; {@link #close()} releases both. */
    record OwnedChannel(AsynchronousFileChannel channel, ExecutorService executor) {
        /** Never throws; idempotent. */
        void close() {
            InputFiles.closeQuietly(channel);
            executor.shutdown();
        }
    }

    /** Blocking. Opens {@code path} with a private I/O thread named {@code etl-aio-<role>-N}. */
    static OwnedChannel open(Path path, String role, Set<? extends OpenOption> options) throws IOException {
        ExecutorService executor = singleThread("etl-aio-" + role);
        try {
            return new OwnedChannel(AsynchronousFileChannel.open(path, options, executor), executor);
        } catch (IOException | RuntimeException e) {
            executor.shutdown();
            throw e;
        }
    }

    /**
     * One started daemon thread named {@code <prefix>-N} behind a lock-free queue: submitting from the event loop
     * never parks it. Also serves the blocking writes of a stream output ({@link StreamFile}).
     */
    static ExecutorService singleThread(String prefix) {
        String name = prefix + "-" + COUNTER.getAndIncrement();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new LinkedTransferQueue<>(), r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
        executor.prestartAllCoreThreads();
        return executor;
    }
}
