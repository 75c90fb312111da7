package dev.hybridetl.app;

import dev.hybridetl.ipc.JvmAccess;
import dev.hybridetl.test.LeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static dev.hybridetl.app.CliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dump} of a real pipeline JVM ({@link StuckPipelineMain}, a child process) with two real worker JVMs,
 * attached to as a user would; and the slow-batch warning of a stage on worker processes, read from that JVM's log.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@ExtendWith(LeakCheck.class)
class DumpCommandTest {
    /** Generous: three JVM starts on a loaded two-core machine. */
    private static final long READY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(150);

    @TempDir
    Path dir;
    private Process pipeline;

    @AfterEach
    void stopPipeline() throws Exception {
        if (pipeline != null) {
            pipeline.getOutputStream().close(); // it cancels its run and exits
            if (!pipeline.waitFor(30, TimeUnit.SECONDS)) {
                pipeline.descendants().forEach(ProcessHandle::destroyForcibly);
                pipeline.destroyForcibly();
            }
        }
    }

    @Test
    void shouldDumpThePipelineAndBothWorkersAndNameTheDeadlockWhenAStageIsStuck() throws Exception {
        Path log = startStuckPipeline();
        awaitOrFail("both workers and the slow-batch warning", () -> PipelineJvms.workersOf(pipeline.toHandle())
                .size() == 2 && read(log).contains("slow batch: stage '" + StuckPipelineMain.STAGE + "'"));

        CliTest.Outcome o = cli("dump", Long.toString(pipeline.pid()));

        assertThat(o.exitCode()).as(o.err()).isZero();
        List<String> headers = o.out().lines().filter(l -> l.startsWith("==== ")).toList();
        assertThat(headers).hasSize(3);
        assertThat(headers.get(0)).startsWith("==== pipeline, pid " + pipeline.pid() + ": DEADLOCK of 2 threads: ")
                .contains('"' + StuckPipelineMain.DEADLOCK_A + '"', '"' + StuckPipelineMain.DEADLOCK_B + '"');
        assertThat(headers.get(1)).matches("==== worker 0 of stage 'sleepy', pid \\d+: no deadlock ====");
        assertThat(headers.get(2)).matches("==== worker 1 of stage 'sleepy', pid \\d+: no deadlock ====");
        List<String> sections = sections(o.out());
        assertThat(sections.get(0)).contains("Full thread dump", '"' + DumpCommand.EVENT_LOOP_THREAD + "1\"",
                "Found one Java-level deadlock");
        for (String worker : sections.subList(1, 3)) {
            assertThat(worker).contains("Full thread dump", "\"main\"", "SleepyTransformProvider")
                    .doesNotContain(DumpCommand.EVENT_LOOP_THREAD);
        }
        assertThat(o.out()).endsWith("dumped 3 of 3 JVMs (pipeline and 2 workers): DEADLOCK in pipeline"
                + System.lineSeparator());

        // the slow batch named with its lines: batch 0 holds lines 2..11 (the header is line 1)
        assertThat(read(log)).containsPattern("slow batch: stage 'sleepy' has had [^\\n]*batch [01] \\(lines "
                + "(2\\.\\.11|12\\.\\.21), 10 records\\)");
    }

    @Test
    void shouldRefuseAWorkerPidNamingItsPipeline() throws Exception {
        startStuckPipeline();
        // a worker started ahead of its stage has no role until it has its assignment
        awaitOrFail("a worker of a stage", () -> PipelineJvms.workersOf(pipeline.toHandle()).stream()
                .anyMatch(w -> w.index() >= 0));
        long worker = PipelineJvms.workersOf(pipeline.toHandle()).stream().filter(w -> w.index() >= 0)
                .findFirst().orElseThrow().pid();

        CliTest.Outcome o = cli("dump", Long.toString(worker));

        assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.err()).matches("pipeline-app: pid " + worker + " is a hybrid-etl worker \\d of stage 'sleepy', "
                + "not a pipeline: dump its pipeline, pid " + pipeline.pid() + ", which dumps its workers too\\R");
    }

    @Test
    void shouldRefuseWithOneLineWhenThePidIsNoPipeline() throws Exception {
        Process notJava = new ProcessBuilder("sleep", "60").start();
        try {
            CliTest.Outcome o = cli("dump", Long.toString(notJava.pid()));
            assertThat(o.exitCode()).isEqualTo(Main.EXIT_USAGE);
            assertThat(o.err()).isEqualTo("pipeline-app: pid " + notJava.pid() + " is not a Java process"
                    + System.lineSeparator());
            assertThat(notJava.isAlive()).as("not signalled").isTrue();
        } finally {
            notJava.destroyForcibly().waitFor();
        }
        assertThat(cli("dump", "999999999").err()).isEqualTo("pipeline-app: no process with pid 999999999"
                + System.lineSeparator());
        assertThat(cli("dump", "abc").exitCode()).isEqualTo(Main.EXIT_USAGE);
    }

    private Path startStuckPipeline() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("-Xmx256m");
        cmd.addAll(JvmAccess.childJvmFlags());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(StuckPipelineMain.class.getName());
        cmd.add(dir.resolve("q").toString());
        Path log = dir.resolve("stderr");
        pipeline = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return log;
    }

    private void awaitOrFail(String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT_NS;
        while (!condition.getAsBoolean()) {
            assertThat(pipeline.isAlive()).as("the pipeline JVM is alive; its log:\n" + read(dir.resolve("stderr")))
                    .isTrue();
            assertThat(System.nanoTime()).as("waiting for " + what + "; the pipeline's log:\n"
                    + read(dir.resolve("stderr"))).isLessThan(deadline);
            Thread.sleep(100); // polling a condition with a deadline, not a timed guess
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** The text of each "==== ..." section. */
    private static List<String> sections(String out) {
        List<String> sections = new ArrayList<>();
        for (String part : out.split("(?m)^==== ")) {
            if (!part.isBlank()) {
                sections.add(part);
            }
        }
        return sections;
    }
}
