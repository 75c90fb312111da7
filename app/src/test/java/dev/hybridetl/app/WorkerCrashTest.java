package dev.hybridetl.app;

import dev.hybridetl.test.LeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A worker JVM killed with SIGKILL in the middle of a run: nothing lost, nothing duplicated, the restart shown. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@ExtendWith(LeakCheck.class)
class WorkerCrashTest {
    @TempDir
    Path dir;

    /** Worker JVMs are the only processes this test JVM starts. */
    private static Optional<ProcessHandle> aWorker() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).findFirst();
    }

    /** Size of the sink's temp output file, 0 if there is none. */
    private long writtenBytes() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".route.jsonl.tmp-"))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void shouldMatchKnownAnswerAndReportRestartWhenAWorkerIsKilled() throws Exception {
        Path out = dir.resolve("route.jsonl");
        CompletableFuture<CliTest.Outcome> run = CompletableFuture.supplyAsync(() -> CliTest.cli("run", "-i",
                KnownAnswers.SAMPLE.toString(), "-o", out.toString(), "-t", "flights-route", "--placement",
                "processes", "--workers", "2", "--batch-bytes", "16384"));

        // Wait until a sixth of the output (~116 MB in all) is written, then kill a worker: mid-run, whatever the
        // machine's speed (bounded wait, no fixed sleep).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Optional<ProcessHandle> victim = Optional.empty();
        while (System.nanoTime() < deadline && !run.isDone()) {
            if (writtenBytes() > 20_000_000L) {
                victim = aWorker();
                break;
            }
            Thread.onSpinWait();
        }
        assertThat(victim).as("a busy worker to kill before the run ends").isPresent();
        assertThat(victim.get().destroyForcibly()).isTrue();

        CliTest.Outcome o = run.get(200, TimeUnit.SECONDS);

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(KnownAnswers.sortedSha256(out)).isEqualTo(KnownAnswers.ROUTE_SORTED);
        assertThat(KnownAnswers.fileSha256(out)).startsWith(KnownAnswers.ROUTE_FILE_PREFIX);
        assertThat(o.out()).containsPattern("restarts [1-9]");
        assertThat(writtenBytes()).as("no temp file left").isZero();
    }

    /**
     * A kill storm: SIGKILL to a worker every {@code intervalMs} from the moment the run starts, so kills also land
     * on workers that are still starting. The run must neither abort ("failed to start") nor lose or repeat a record.
     */
    @ParameterizedTest
    @ValueSource(ints = {2000, 500})
    void shouldMatchKnownAnswerUnderAKillStorm(int intervalMs) throws Exception {
        Path out = dir.resolve("route.jsonl");
        CompletableFuture<CliTest.Outcome> run = CompletableFuture.supplyAsync(() -> CliTest.cli("run", "-i",
                KnownAnswers.SAMPLE.toString(), "-o", out.toString(), "-t", "flights-route", "--placement",
                "processes", "--workers", "2", "--batch-bytes", "16384"));
        int kills = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        java.util.Random random = new java.util.Random(intervalMs);
        while (!run.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(intervalMs);
            List<ProcessHandle> workers = ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                    .collect(java.util.stream.Collectors.toList());
            if (!workers.isEmpty() && !run.isDone()) {
                workers.get(random.nextInt(workers.size())).destroyForcibly();
                kills++;
            }
        }

        CliTest.Outcome o = run.get(60, TimeUnit.SECONDS);

        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(kills).as("kills during the run").isPositive();
        assertThat(KnownAnswers.sortedSha256(out)).isEqualTo(KnownAnswers.ROUTE_SORTED);
        assertThat(KnownAnswers.fileSha256(out)).startsWith(KnownAnswers.ROUTE_FILE_PREFIX);
        assertThat(java.nio.file.Files.size(dir.resolve("route.rejects.tsv"))).as("nothing dead-lettered")
                .isZero();
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).isZero();
    }
}
