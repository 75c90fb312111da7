package dev.hybridetl.cpu.processes;

import dev.hybridetl.ipc.JvmAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Pipeline JVMs started the way an embedder might start them: without the flags, under another class loader. */
class PipelineJvmTest {
    private static final long CHILD_TIMEOUT_S = 60;

    private record Child(int exitCode, long millis, String out, String err) {
    }

    @Test
    @Timeout(90)
    void shouldFailAtOnceNamingTheMissingFlagsWhenThePipelineJvmWasStartedWithoutThem(@TempDir Path tmp)
            throws Exception {
        Child c = run(tmp, List.of(), ProcessesPipelineMain.class, List.of());

        assertThat(c.exitCode()).as(c.err()).isEqualTo(ProcessesPipelineMain.EXIT_FAILED);
        assertThat(c.millis()).as("ms until the pipeline JVM exited").isLessThan(15_000);
        assertThat(c.err()).contains("FAILED: stage 'test-kit-upper' on worker processes uses Chronicle Queue")
                .contains("    --add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                        "    --add-opens=java.base/java.nio=ALL-UNNAMED")
                .contains(JvmAccess.manifestAttributes().get(0), JvmAccess.manifestAttributes().get(1))
                .contains("<argLine>", "jvmArgs")
                .doesNotContain("IllegalAccessError");
        assertThat(tmp.resolve("q")).as("nothing was created before the check").doesNotExist();
    }

    @Test
    @Timeout(150)
    void shouldStartWorkersFromTheFileUrlsOfAUrlClassLoader(@TempDir Path tmp) throws Exception {
        Child c = run(tmp, JvmAccess.childJvmFlags(), UrlClassLoaderHostMain.class, List.of());

        assertThat(c.exitCode()).as(c.err()).isZero();
        assertThat(c.out().lines().collect(Collectors.toList()))
                .isEqualTo(IntStream.range(0, 20).mapToObj(i -> "LINE " + i).collect(Collectors.toList()));
        assertThat(c.err()).contains("workers load their classes from the file URLs of java.net.URLClassLoader")
                .as("workers log at warn: nothing of theirs reaches the pipeline's log")
                .doesNotContain("[worker-");
    }

    @Test
    @Timeout(150)
    void shouldLogTheInfoRecordsOfAWorkerAtInfoNotWarn(@TempDir Path tmp) throws Exception {
        Child c = run(tmp, JvmAccess.childJvmFlags(), ProcessesPipelineMain.class,
                List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=info"));

        assertThat(c.exitCode()).as(c.err()).isZero();
        assertThat(c.err()).containsPattern("INFO dev.hybridetl.worker - \\[worker-\\d] \\[[\\w-]+] INFO"
                + " net.openhft.chronicle.core.Jvm - Chronicle core");
        assertThat(c.err()).doesNotContainPattern("WARN dev.hybridetl.worker - \\[worker-\\d] \\[[\\w-]+] INFO");
    }

    private static Child run(Path tmp, List<String> flags, Class<?> main, List<String> workerOptions)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("-Xmx128m");
        cmd.addAll(flags);
        cmd.add("-Dhybridetl.worker.cds=false");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.add(tmp.resolve("q").toString());
        cmd.addAll(workerOptions);
        Path out = tmp.resolve("stdout");
        Path err = tmp.resolve("stderr");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            boolean exited = p.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(exited).as("pipeline JVM exited within " + CHILD_TIMEOUT_S + " s; stderr so far:\n"
                    + Files.readString(err)).isTrue();
            return new Child(p.exitValue(), millis, Files.readString(out), Files.readString(err));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
