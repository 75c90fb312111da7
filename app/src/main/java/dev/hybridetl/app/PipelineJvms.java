package dev.hybridetl.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The JVMs of one pipeline: the pipeline's own and its worker processes, found as its child processes whose command
 * line runs the worker main class, each with its role read from that command line.
 *
 * <p>Defensive by design: the worker's arguments and files belong to the processes placement and may change. A
 * worker started for one stage may name its stage directory (a directory holding {@value #WORKER_SPEC}) and its
 * index (the argument after it) on its command line; a worker started ahead of its stage (from a pool) gets them on
 * stdin, so its role is read from what it has mapped: its result ring,
 * {@code <stage dir>/out-<index>-<incarnation>.ring} (in Linux's {@code /proc/PID/maps}). The stage's name is the {@code stageName} in the spec file. Whatever cannot be
 * read leaves a plainer role ("worker pid N"), never an error.
 */
final class PipelineJvms {
    /** The worker JVM's main class, as its command line names it (a string: app does not see cpu-stage). */
    static final String WORKER_MAIN = "dev.hybridetl.cpu.processes.WorkerMain";
    /** The worker specification file in a stage directory, with the stage's name. */
    private static final String WORKER_SPEC = "worker.properties";
    /**
     * A line of {@code /proc/PID/maps} naming a worker's result ring,
     * {@code <stage dir>/out-<worker>-<incarnation>.ring} (ipc's {@code StageQueues.resultRing}; a string, because only cpu-stage may use ipc): group 1 the stage
     * directory, group 2 the worker.
     */
    private static final java.util.regex.Pattern RESULT_QUEUE =
            java.util.regex.Pattern.compile(" (/\\S.*)/out-(\\d{1,9})-\\d{1,19}\\.ring$");

    private PipelineJvms() {
    }

    /**
     * One JVM and what it is to the pipeline.
     *
     * @param role "pipeline", "worker 0 of stage 'x'", or "worker pid N"
     * @param stage the worker's stage, "" if unknown; with {@code index} (-1 if unknown), the listing's order
     */
    record Jvm(long pid, String role, String stage, int index) {
        static Jvm pipeline(long pid) {
            return new Jvm(pid, "pipeline", "", -1);
        }
    }

    /** The worker processes among {@code pipeline}'s children, by stage and index. */
    static List<Jvm> workersOf(ProcessHandle pipeline) {
        List<Jvm> workers = new ArrayList<>();
        pipeline.children().forEach(child -> asWorker(child).ifPresent(workers::add));
        workers.sort(Comparator.comparing(Jvm::stage).thenComparingInt(Jvm::index).thenComparingLong(Jvm::pid));
        return workers;
    }

    /** {@code process} as a worker JVM, if its command line runs the worker main class. */
    static Optional<Jvm> asWorker(ProcessHandle process) {
        String[] args = arguments(process);
        boolean worker = false;
        for (String a : args) {
            worker |= a.contains(WORKER_MAIN);
        }
        if (!worker) {
            return Optional.empty();
        }
        for (int i = 0; i < args.length; i++) {
            Path spec = specFile(args[i]);
            if (spec != null && i + 1 < args.length && args[i + 1].matches("\\d{1,9}")) {
                String stage = stageName(spec);
                int index = Integer.parseInt(args[i + 1]);
                return Optional.of(new Jvm(process.pid(), "worker " + index + " of stage '" + stage + "'", stage,
                        index));
            }
        }
        return Optional.of(fromMappedQueues(process.pid()));
    }

    /** The worker's role from the result ring it has mapped, else "worker pid N". */
    private static Jvm fromMappedQueues(long pid) {
        Path maps = Path.of("/proc", Long.toString(pid), "maps");
        try (java.util.stream.Stream<String> lines = Files.lines(maps, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines::iterator) {
                java.util.regex.Matcher m = RESULT_QUEUE.matcher(line);
                Path spec = m.find() ? specFile(m.group(1)) : null;
                if (spec != null) {
                    String stage = stageName(spec);
                    int index = Integer.parseInt(m.group(2));
                    return new Jvm(pid, "worker " + index + " of stage '" + stage + "'", stage, index);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, gone meanwhile, or not ours: the plainer role
        }
        return new Jvm(pid, "worker pid " + pid, "", -1);
    }

    /**
     * The process's command line. On Linux read from {@code /proc/PID/cmdline} itself: {@code ProcessHandle.Info}
     * reads only its first page and gives no arguments at all when it is longer, as a worker's is with a class path
     * of many jars (its own arguments come last).
     */
    private static String[] arguments(ProcessHandle process) {
        Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        try {
            if (Files.isReadable(cmdline)) {
                return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).split("\0");
            }
        } catch (IOException e) {
            // gone meanwhile, or not ours: fall back to what the JDK reads
        }
        return process.info().arguments().orElse(new String[0]);
    }

    private static Path specFile(String arg) {
        if (arg.startsWith("-") || arg.isEmpty()) {
            return null;
        }
        try {
            Path spec = Path.of(arg).resolve(WORKER_SPEC);
            return Files.isRegularFile(spec) ? spec : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** The stage name in a worker specification, else its stage directory's name. */
    private static String stageName(Path spec) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(spec)) {
            p.load(in);
        } catch (Exception e) {
            // unreadable (another user's, or removed meanwhile): the directory's name will do
        }
        return p.getProperty("stageName", String.valueOf(spec.getParent().getFileName()));
    }
}
