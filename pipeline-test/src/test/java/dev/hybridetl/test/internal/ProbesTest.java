package dev.hybridetl.test.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Each probe of the leak check against the real thing: a thread, a process, a file, a queue directory. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProbesTest {
    @TempDir
    Path dir;

    @Test
    void shouldReportANewThreadUntilItEnds() throws Exception {
        ResourceProbe.Baseline baseline = new ThreadProbe(List.of()).baseline();
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "etl-probe-test");
        t.start();
        while (t.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }

        assertThat(baseline.leaks()).singleElement().asString().contains("thread \"etl-probe-test\"", "WAITING",
                "CountDownLatch.await");
        release.countDown();
        t.join();
        assertThat(baseline.leaks()).isEmpty();
    }

    @Test
    void shouldAllowOnlyJvmWideThreadsAndThoseAskedFor() {
        ThreadProbe probe = new ThreadProbe(List.of(java.util.regex.Pattern.compile("my-pusher")));

        assertThat(probe.isAllowed("process reaper")).isTrue();
        assertThat(probe.isAllowed("ForkJoinPool.commonPool-worker-3")).isTrue();
        assertThat(probe.isAllowed("parallel-1")).isTrue();
        assertThat(probe.isAllowed("my-pusher")).isTrue();
        assertThat(probe.isAllowed("etl-event-loop")).isFalse();
        assertThat(probe.isAllowed("etl-cpu-stage-0")).isFalse();
        assertThat(probe.isAllowed("pool-987654-thread-1")).isFalse();
        assertThat(probe.isAllowed("my-pusher-2")).as("whole names only").isFalse();
    }

    @Test
    void shouldReportAChildProcessUntilItEnds() throws Exception {
        ResourceProbe.Baseline baseline = new ProcessProbe().baseline();
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(baseline.leaks()).singleElement().asString()
                    .startsWith("process " + sleep.pid() + " (child of " + ProcessHandle.current().pid() + ")")
                    .contains("sleep 30");
        } finally {
            sleep.destroyForcibly();
            sleep.waitFor();
        }
        assertThat(baseline.leaks()).isEmpty();
    }

    @Test
    void shouldReportAnOpenFileUntilItIsClosed() throws Exception {
        Path file = Files.writeString(dir.resolve("held.txt"), "x");
        ResourceProbe.Baseline baseline = new FileDescriptorProbe().baseline();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThat(baseline.leaks()).singleElement().asString().startsWith("file descriptor ")
                    .endsWith(" -> " + file.toRealPath());
        }
        assertThat(baseline.leaks()).isEmpty();
        assertThat(FileDescriptorProbe.isAllowed("/dev/urandom")).isTrue();
        assertThat(FileDescriptorProbe.isAllowed("/root/.m2/repository/x/y.jar")).isTrue();
        assertThat(FileDescriptorProbe.isAllowed("/dev/shm/hybrid-etl-1/stage-0/owner.lock")).isFalse();
    }

    @Test
    void shouldReportOurNewQueueRootsButNotAnotherProcessesNorOtherEntries() throws Exception {
        Files.createDirectories(dir.resolve("hybrid-etl-111"));
        QueueRootProbe probe = new QueueRootProbe(List.of(dir));
        ResourceProbe.Baseline baseline = probe.baseline();

        Path ours = lockedRoot("hybrid-etl-222", ProcessHandle.current().pid());
        lockedRoot("hybrid-etl-333", 1); // PID 1 is alive and not a descendant of this JVM
        Files.createDirectories(dir.resolve("hybrid-etl-cds-root"));
        Files.createDirectories(dir.resolve("unrelated"));
        Files.writeString(dir.resolve("hybrid-etl-sample-1.csv.gz"), "x");
        Files.createDirectories(dir.resolve("hybrid-etl-444"));

        assertThat(baseline.leaks()).containsExactlyInAnyOrder(
                "queue directory " + ours + " holding 2 entries: stage-0, stage-0/owner.lock",
                "queue directory " + dir.resolve("hybrid-etl-444") + " (empty)");
    }

    @Test
    void shouldGiveThingsTheGraceToEnd() {
        ResourceProbe.Baseline baseline = new ThreadProbe(List.of()).baseline();
        Thread t = new Thread(() -> sleep(300), "etl-ending-soon");
        t.start();
        long t0 = System.nanoTime();

        assertThat(ResourceProbe.awaitNoLeaks(List.of(baseline), Duration.ofSeconds(5)))
                .isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(4));
        assertThat(ResourceProbe.awaitNoLeaks(List.of(() -> List.of("still here")),
                Duration.ofMillis(100))).containsExactly("still here");
    }

    private Path lockedRoot(String name, long pid) throws Exception {
        Path stage = Files.createDirectories(dir.resolve(name).resolve("stage-0"));
        Files.writeString(stage.resolve("owner.lock"), pid + "\n");
        return dir.resolve(name);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
