package dev.hybridetl.app;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineRun;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.Stage;
import dev.hybridetl.test.MemorySink;
import dev.hybridetl.test.MemorySource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

/**
 * A pipeline JVM for {@link DumpCommandTest}, started as a child process: {@value SleepyTransformProvider#ID} on two
 * worker processes, each batch asleep for ten minutes, a slow-batch warning after one second, and two threads of its
 * own in a deadlock. Runs until its stdin closes, then cancels the run and exits 0.
 *
 * <p>Arguments: the queue directory.
 */
public final class StuckPipelineMain {
    static final String DEADLOCK_A = "test-deadlock-a";
    static final String DEADLOCK_B = "test-deadlock-b";
    static final String STAGE = "sleepy";

    private StuckPipelineMain() {
    }

    public static void main(String[] args) throws Exception {
        startDeadlock();
        PipelineRun run = Pipeline.builder()
                .source(MemorySource.of("n", IntStream.range(0, 40).mapToObj(i -> "r" + i).toList())
                        .withLinesPerBatch(10))
                .stage(Stage.plugin(SleepyTransformProvider.ID).withName(STAGE).withConfig("sleepMs", "600000")
                        .withPlacement(Placement.PROCESSES).withWorkers(2).withBatchTimeout(Duration.ofMinutes(15)))
                .sink(new MemorySink())
                .processSettings(new ProcessSettings(Path.of(args[0]), false, 128, List.of()))
                .slowBatchWarning(Duration.ofSeconds(1))
                .build()
                .start();
        while (System.in.read() >= 0) {
            // runs until the test closes stdin
        }
        run.cancel();
        run.completion().handle((r, e) -> null).get();
        System.exit(0);
    }

    /** Two daemon threads, each holding one lock and waiting for the other's. */
    private static void startDeadlock() throws InterruptedException {
        Object a = new Object();
        Object b = new Object();
        CountDownLatch bothHold = new CountDownLatch(2);
        daemon(DEADLOCK_A, a, b, bothHold);
        daemon(DEADLOCK_B, b, a, bothHold);
        bothHold.await();
    }

    private static void daemon(String name, Object first, Object second, CountDownLatch bothHold) {
        Thread t = new Thread(() -> {
            synchronized (first) {
                bothHold.countDown();
                try {
                    bothHold.await();
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (second) {
                    bothHold.countDown(); // never reached
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }
}
