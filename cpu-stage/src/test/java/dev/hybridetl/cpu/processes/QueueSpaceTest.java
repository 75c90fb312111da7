package dev.hybridetl.cpu.processes;

import dev.hybridetl.test.MemorySink;
import dev.hybridetl.test.MemorySource;
import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.PipelineRun;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The queue directory on a real, size-limited tmpfs (mounted by the test; skipped where mounting is not allowed):
 * a stage that fits completes, and one that does not fails with the message that names the directory and what to
 * do, never with the {@code InternalError} a SIGBUS on a full mapped file becomes.
 */
@Timeout(120)
class QueueSpaceTest {
    private static final List<String> LINES = IntStream.range(0, 20_000)
            .mapToObj(i -> "row " + i + " some text to transform " + "x".repeat(i % 50))
            .collect(Collectors.toList());

    @TempDir
    Path tmp;
    private Path mount;

    @BeforeEach
    void oneMebibyteSegments() {
        System.setProperty(ProcessStageSettings.SEGMENT_BYTES_PROPERTY, Integer.toString(1024 * 1024));
    }

    @AfterEach
    void unmount() throws Exception {
        System.clearProperty(ProcessStageSettings.SEGMENT_BYTES_PROPERTY);
        if (mount != null) {
            // Lazily: Chronicle unmaps released files on a background thread, which can keep the mount busy a while.
            new ProcessBuilder("umount", "--lazy", mount.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Path tmpfs(String size) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("tmpfs-" + size));
        Process p;
        try {
            p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("no mount command here: " + e.getMessage());
            return null;
        }
        boolean done = p.waitFor(10, TimeUnit.SECONDS);
        Assumptions.assumeTrue(done && p.exitValue() == 0,
                "cannot mount a tmpfs here (needs root in a sandbox that allows it)");
        mount = dir;
        return dir;
    }

    private static Pipeline pipeline(Path queueDir, MemorySink sink) {
        return Pipeline.builder()
                .source(MemorySource.of("id,text", LINES).withLinesPerBatch(200))
                .stage(Stage.plugin("test-kit-upper").withPlacement(Placement.PROCESSES).withWorkers(2))
                .sink(sink)
                .processSettings(ProcessSettings.defaults().withQueueDir(queueDir))
                .build();
    }

    @Test
    void shouldCompleteWhenTheStageFitsItsQueueDirectory() throws Exception {
        Path dir = tmpfs("16m");
        MemorySink sink = new MemorySink();

        pipeline(dir, sink).run();

        assertThat(sink.records()).hasSize(LINES.size());
        assertThat(sink.records().get(19_999)).isEqualTo(LINES.get(19_999).toUpperCase());
    }

    @Test
    void shouldFailNamingTheDirectoryAndTheSettingsWhenTheQueueDirectoryIsTooSmall() throws Exception {
        Path dir = tmpfs("2m");
        MemorySink sink = new MemorySink();
        PipelineRun run = pipeline(dir, sink).start();

        assertThatThrownBy(() -> run.await(Duration.ofSeconds(60)))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("is out of space")
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("--queue-dir")
                .hasMessageNotContaining("InternalError");
        try (var left = Files.list(dir)) {
            assertThat(left.collect(Collectors.toList())).as("queue files left in the tmpfs").isEmpty();
        }
    }
}
