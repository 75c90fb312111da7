package dev.hybridetl.cpu.processes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import dev.hybridetl.ipc.ControlFileDescriptor;
import dev.hybridetl.ipc.ControlPublisher;
import dev.hybridetl.ipc.JvmAccess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A pipeline process killed with kill -9 leaves no worker behind: each worker watches its parent. */
class WorkerOrphanTest {

    @Test
    @Timeout(90)
    void shouldEndEveryWorkerWithinTwoSecondsWhenThePipelineProcessIsKilled(@TempDir Path tmp) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(JvmAccess.childJvmFlags());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PipelineHostMain.class.getName());
        cmd.add(tmp.resolve("q").toString());
        Process host = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<ProcessHandle> workers = List.of();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (workers.size() < 2) {
            assertThat(host.isAlive()).as("pipeline host alive").isTrue();
            assertThat(System.nanoTime()).as("workers started within 60 s").isLessThan(deadline);
            Thread.sleep(50);
            workers = host.toHandle().children().filter(WorkerOrphanTest::running).collect(Collectors.toList());
        }
        awaitWorkersReady(tmp.resolve("q").resolve("stage-0").resolve("control"), host);
        host.destroyForcibly();
        assertThat(host.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        long killedAt = System.nanoTime();
        for (ProcessHandle w : workers) {
            while (running(w)) {
                assertThat((System.nanoTime() - killedAt) / 1_000_000).as("ms until worker " + w.pid() + " ended")
                        .isLessThan(2_500);
                Thread.sleep(20);
            }
        }
    }

    private static void awaitWorkersReady(Path control, Process host) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            assertThat(host.isAlive()).as("pipeline host alive").isTrue();
            assertThat(System.nanoTime()).as("workers ready within 60 s").isLessThan(deadline);
            if (Files.exists(control)) {
                try (ControlPublisher c = ControlPublisher.open(control)) {
                    if (c.state(0) == ControlFileDescriptor.STATE_READY && c.state(1) == ControlFileDescriptor.STATE_READY) {
                        return;
                    }
                }
            }
            Thread.sleep(50);
        }
    }

    /** Alive and not a zombie (in a container PID 1 may never reap an orphan). */
    private static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}
