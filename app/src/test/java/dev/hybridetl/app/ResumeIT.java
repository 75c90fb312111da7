package dev.hybridetl.app;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs of the packaged jar killed with SIGKILL ({@code kill -9}: nothing of the JVM runs, no hook, no clean-up) at
 * several points, then resumed with {@code --resume}: the output must be byte for byte the uninterrupted run's
 * (SHA-256), in both placements, and whichever placement the dead run used.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ResumeIT {
    /** route is the heavier job: a run lasts seconds here, long enough to be killed anywhere in it. */
    private static final String TRANSFORM = "flights-route";
    private static Path reference;
    private static long referenceSize;

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    private record Result(int exitCode, String output) {
    }

    @BeforeAll
    static void uninterruptedRun() throws Exception {
        reference = shared.resolve("reference.jsonl");
        Result r = run(shared, "-o", reference.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        referenceSize = Files.size(reference);
        assertThat(KnownAnswers.sortedSha256(reference)).isEqualTo(KnownAnswers.ROUTE_SORTED);
    }

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(AppJarIT.javaJar("run", "-i", KnownAnswers.SAMPLE.toAbsolutePath().toString(),
                "-t", TRANSFORM, "--workers", "2", "--checkpoint-every", "0.1"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Result run(Path in, String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(args)).directory(in.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }

    /** Starts the run and kills it with SIGKILL once {@code when} holds for the bytes of its temp output. */
    private void killWhen(LongPredicate when, String... args) throws Exception {
        assertThat(signalWhen(true, when, args)).isEqualTo(137);
    }

    /** Starts the run, sends SIGKILL or SIGTERM once {@code when} holds; returns the exit status. */
    private int signalWhen(boolean sigkill, LongPredicate when, String... args) throws Exception {
        Process p = new ProcessBuilder(command(args)).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (p.isAlive() && !when.test(tempOutputBytes()) && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(p.isAlive()).as("the run is still going when it is killed (log: %s)",
                Files.readString(dir.resolve("killed.log"))).isTrue();
        if (sigkill) {
            p.destroyForcibly();
        } else {
            p.destroy(); // SIGTERM: what Ctrl-C's SIGINT does too, through the same shutdown hook
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    /** Bytes in the output's temp file, -1 before the run has made its checkpoint. */
    private long tempOutputBytes() {
        if (!Files.exists(dir.resolve(".out.jsonl.checkpoint"))) {
            return -1;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".out.jsonl.tmp-"))
                    .mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    private List<String> filesLeft() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> !n.equals("killed.log")).sorted().toList();
        }
    }

    @ParameterizedTest(name = "killed {0} on {1}, resumed on {2}")
    @CsvSource({
            "right after start, processes, processes",
            "half way,          processes, threads",
            "near the end,      processes, processes",
            "right after start, threads,   threads",
            "half way,          threads,   processes",
            "near the end,      threads,   threads"})
    void shouldWriteTheUninterruptedBytesWhenKilledAndResumed(String when, String killedOn, String resumedOn)
            throws Exception {
        double at = switch (when) {
            case "right after start" -> 0;
            case "half way" -> 0.5;
            default -> 0.9;
        };
        killWhen(bytes -> bytes >= (long) (at * referenceSize), "-o", "out.jsonl", "--placement", killedOn);
        assertThat(filesLeft()).contains(".out.jsonl.checkpoint").doesNotContain("out.jsonl");

        Result resumed = run(dir, "-o", "out.jsonl", "--placement", resumedOn, "--resume");

        assertThat(resumed.exitCode()).as(resumed.output()).isZero();
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("resumed   at line ([0-9,]+):")
                .matcher(resumed.output());
        assertThat(line.find()).as(resumed.output()).isTrue();
        // A checkpoint every 0.1 s: a run killed half way or later has kept some progress. (How much depends on how
        // soon the checkpoint gets a core and the disk: on a loaded machine, a second or more. Correctness does not.)
        if (at >= 0.5) {
            assertThat(Long.parseLong(line.group(1).replace(",", ""))).isGreaterThan(2);
        }
        assertThat(KnownAnswers.fileSha256(dir.resolve("out.jsonl"))).isEqualTo(KnownAnswers.fileSha256(reference));
        assertThat(dir.resolve("out.rejects.tsv")).isEmptyFile();
        assertThat(filesLeft()).containsExactly("out.jsonl", "out.rejects.tsv");
    }

    @Test
    void shouldRefuseToStartOverADeadRunAndToResumeAChangedInputThenRestart() throws Exception {
        killWhen(bytes -> bytes >= referenceSize / 3, "-o", "out.jsonl", "--placement", "threads");

        Result fresh = run(dir, "-o", "out.jsonl");
        assertThat(fresh.exitCode()).isEqualTo(2);
        assertThat(fresh.output().strip()).startsWith("pipeline-app: out.jsonl has the progress of a run that died: ")
                .endsWith("; add --resume to continue it, or --restart to start over");
        assertThat(fresh.output().strip().lines()).hasSize(1);

        Result otherJob = run(dir, "-o", "out.jsonl", "--resume", "--batch-bytes", "1000");
        assertThat(otherJob.exitCode()).isEqualTo(2);
        assertThat(otherJob.output().strip()).isEqualTo("pipeline-app: cannot resume out.jsonl: the run was started "
                + "with --batch-bytes 65536, not 1000; use --restart to start over");

        // The same bytes under a new modification time: as far as anyone can tell, another file.
        Path copy = Files.copy(KnownAnswers.SAMPLE, dir.resolve("copy.csv.gz"), StandardCopyOption.REPLACE_EXISTING);
        List<String> changed = new ArrayList<>(command("-o", "out.jsonl", "--resume"));
        changed.set(changed.indexOf("-i") + 1, copy.toString());
        Process p = new ProcessBuilder(changed).directory(dir.toFile()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(2);
        assertThat(text.strip()).startsWith("pipeline-app: cannot resume out.jsonl: the input " + copy
                + " is not the file the run read: it was modified at").endsWith("; use --restart to start over");
        Files.delete(copy);

        Result restart = run(dir, "-o", "out.jsonl", "--restart");
        assertThat(restart.exitCode()).as(restart.output()).isZero();
        assertThat(restart.output()).containsPattern("removed [23] temporary file\\(s\\) of an earlier run")
                .doesNotContain("resumed");
        assertThat(KnownAnswers.fileSha256(dir.resolve("out.jsonl"))).isEqualTo(KnownAnswers.fileSha256(reference));
        assertThat(filesLeft()).containsExactly("out.jsonl", "out.rejects.tsv");

        Result again = run(dir, "-o", "out.jsonl", "--resume");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.output().strip()).isEqualTo("pipeline-app: nothing to resume: there is no checkpoint of an "
                + "earlier run beside out.jsonl (run without --resume to start)");
    }

    @ParameterizedTest(name = "--keep-progress {0}")
    @CsvSource({"true", "false"})
    void shouldKeepProgressOnSigtermOnlyWhenAsked(boolean keep) throws Exception {
        List<String> args = new ArrayList<>(List.of("-o", "out.jsonl", "--placement", "processes"));
        if (keep) {
            args.add("--keep-progress");
        }
        int status = signalWhen(false, bytes -> bytes >= referenceSize / 2, args.toArray(String[]::new));

        assertThat(status).isEqualTo(143);
        String log = Files.readString(dir.resolve("killed.log"));
        if (!keep) {
            assertThat(log).contains("interrupted: cancelling the run, nothing is published");
            assertThat(filesLeft()).isEmpty();
            return;
        }
        assertThat(log).contains("its progress is kept, run the same command with --resume to continue");
        assertThat(filesLeft()).contains(".out.jsonl.checkpoint").doesNotContain("out.jsonl", ".out.jsonl.lock");
        Result resumed = run(dir, "-o", "out.jsonl", "--placement", "threads", "--resume");
        assertThat(resumed.exitCode()).as(resumed.output()).isZero();
        assertThat(KnownAnswers.fileSha256(dir.resolve("out.jsonl"))).isEqualTo(KnownAnswers.fileSha256(reference));
        assertThat(filesLeft()).containsExactly("out.jsonl", "out.rejects.tsv");
    }

    @Test
    void shouldSayThatAStreamCannotBeResumed() throws Exception {
        Result r = run(dir, "-o", "-", "--resume");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.output().strip()).isEqualTo("pipeline-app: cannot resume: /dev/stdout is a stream (stdout, a "
                + "FIFO or a device), which cannot be taken back to a checkpoint");
    }
}
