package dev.hybridetl.api;

import reactor.core.scheduler.NonBlocking;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The two schedulers of one run, on threads whose uncaught-exception handler fails the run.
 *
 * <p>Why own threads: Reactor rethrows what it deems "JVM-fatal" ({@code LinkageError}, {@code VirtualMachineError})
 * instead of signalling it downstream; a scheduler catches it at the top of the task and hands it to the thread's
 * uncaught-exception handler. With Reactor's default threads that handler only logs, the run's future never
 * completes, and an embedding service hangs for ever. Here the handler ends the run with that error (Agrona's
 * {@code AgentRunner} does the same for its agent thread: catch {@code Throwable}, report, and always finish).
 *
 * <p>The event-loop thread implements Reactor's {@link NonBlocking} marker, as {@code Schedulers.newSingle}'s do,
 * so that {@code block()} refuses to run there and BlockHound watches it. It runs on a {@link WatchedLoopExecutor}
 * (one thread, like {@code newSingle}'s) so that the run's {@link RunWatchdog} sees a task that blocks it.
 */
final class RunThreads {
    /** The event-loop thread's name, before its number: {@code etl-event-loop-1}. */
    static final String EVENT_LOOP = "etl-event-loop";

    private RunThreads() {
    }

    /** A single non-blocking thread for framing, hand-offs and encoding, watched by {@code watchdog}. */
    static Scheduler eventLoop(Consumer<Throwable> onUncaught, RunWatchdog watchdog) {
        return Schedulers.fromExecutorService(watchdog.watchedLoop(factory(EVENT_LOOP, onUncaught, true)),
                EVENT_LOOP);
    }

    /** A small bounded-elastic pool for calls that block (starting workers, fsync, gzip). */
    static Scheduler blocking(Consumer<Throwable> onUncaught) {
        return Schedulers.newBoundedElastic(4, 1024, factory("etl-blocking", onUncaught, false), 10);
    }

    private static ThreadFactory factory(String prefix, Consumer<Throwable> onUncaught, boolean nonBlocking) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            String name = prefix + "-" + n.incrementAndGet();
            Thread t = nonBlocking ? new NonBlockingThread(task, name) : new Thread(task, name);
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((thread, error) -> onUncaught.accept(error));
            return t;
        };
    }

    private static final class NonBlockingThread extends Thread implements NonBlocking {
        NonBlockingThread(Runnable task, String name) {
            super(task, name);
        }
    }
}
