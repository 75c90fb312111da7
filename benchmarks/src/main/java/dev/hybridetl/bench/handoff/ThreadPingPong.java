package dev.hybridetl.bench.handoff;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Two threads of one kind that pass a token back and forth through {@link SynchronousQueue}s: a <em>driver</em> that
 * sends and waits, and an <em>echo</em> that returns what it gets. Both are made by the same factory, so a platform
 * pair and a virtual pair are measured the same way; the benchmark thread only starts a round of
 * {@code roundTrips} and waits for it, so its own (platform) hand-off to the driver is amortised over the round.
 *
 * <p>Each round trip is two hand-offs (driver to echo, echo to driver), each of which parks one thread and unparks
 * the other: the cost of a context switch between the two kinds of thread.
 *
 * <p>Threading: {@link #round()} is called by one benchmark thread at a time; {@link #close()} stops both threads.
 */
final class ThreadPingPong implements AutoCloseable {
    private static final Integer TOKEN = 42;
    private static final Integer STOP = -1;

    private final SynchronousQueue<Integer> ping = new SynchronousQueue<>();
    private final SynchronousQueue<Integer> pong = new SynchronousQueue<>();
    private final SynchronousQueue<Integer> start = new SynchronousQueue<>();
    private final SynchronousQueue<Integer> done = new SynchronousQueue<>();
    private final Thread driver;
    private final Thread echo;

    ThreadPingPong(Function<Runnable, Thread> threads, int roundTrips) {
        this.echo = threads.apply(this::echoLoop);
        this.driver = threads.apply(() -> driverLoop(roundTrips));
        echo.start();
        driver.start();
    }

    /** Runs one round of round trips between driver and echo; returns the token count as a sink for JMH. */
    int round() throws InterruptedException, TimeoutException {
        start.put(TOKEN);
        Integer result = done.poll(60, TimeUnit.SECONDS);
        if (result == null) {
            throw new TimeoutException("ping-pong round did not finish in 60 s");
        }
        return result;
    }

    private void echoLoop() {
        try {
            for (Integer t = ping.take(); !STOP.equals(t); t = ping.take()) {
                pong.put(t);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void driverLoop(int roundTrips) {
        try {
            for (Integer cmd = start.take(); !STOP.equals(cmd); cmd = start.take()) {
                int sum = 0;
                for (int i = 0; i < roundTrips; i++) {
                    ping.put(cmd);
                    sum += pong.take();
                }
                done.put(sum);
            }
            ping.put(STOP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops both threads: politely (STOP through the queues) for up to 5 s each, then by interrupt. */
    @Override
    public void close() {
        try {
            start.offer(STOP, 5, TimeUnit.SECONDS);
            driver.join(5_000);
            echo.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            driver.interrupt();
            echo.interrupt();
        }
    }
}
