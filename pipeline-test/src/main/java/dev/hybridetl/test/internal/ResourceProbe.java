package dev.hybridetl.test.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/** One kind of resource a test may leak: takes a baseline before the test, then lists what is new after it. */
public interface ResourceProbe {

    /** What exists now. */
    Baseline baseline();

    /** Polls every 20 ms until nothing is left or {@code grace} is over; returns what is left. */
    static List<String> awaitNoLeaks(List<Baseline> baselines, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (true) {
            List<String> leaks = new ArrayList<>();
            for (Baseline b : baselines) {
                leaks.addAll(b.leaks());
            }
            if (leaks.isEmpty() || System.nanoTime() - deadline >= 0) {
                return leaks;
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    /** A snapshot to compare later states with. */
    interface Baseline {
        /** One line for each resource that exists now but did not at the baseline (and is not allowed). */
        List<String> leaks();
    }
}
