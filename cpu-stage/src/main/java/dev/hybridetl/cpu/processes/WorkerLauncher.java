package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.ProcessSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Starts worker JVMs: the same {@code java} binary as this process, this process's class path, the flags Chronicle
 * and Agrona need, the per-worker heap, and the user's extra options. Never through a shell: the command is a list
 * of arguments. Each worker's stdout (at info) and stderr (at warn) are pumped line by line into this process's
 * log, prefixed with {@code [worker-N]}, by two small daemon threads that end when the worker's pipes close.
 */
final class WorkerLauncher {
    private static final Logger LOG = LoggerFactory.getLogger("dev.hybridetl.worker");

    /**
     * System properties that keep Chronicle quiet: no usage analytics, no client-id file in the home directory, no
     * banner. Set to {@code true} in every worker, and in the pipeline JVM unless the user set them.
     */
    static final List<String> QUIET_CHRONICLE_PROPERTIES = List.of("chronicle.analytics.disable",
            "chronicle.announcer.disable", "disable.perf.info");

    /** Flags every JVM that opens a Chronicle queue or an Agrona buffer needs (see docs/operations.md). */
    static final List<String> CHRONICLE_FLAGS = Stream.concat(Stream.of(
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED"),
            QUIET_CHRONICLE_PROPERTIES.stream().map(key -> "-D" + key + "=true")).toList();

    /**
     * System property: when true in the pipeline JVM (the CLI's {@code --verbose} sets it), workers get it too and
     * print stack traces; otherwise a failing worker prints one line.
     */
    static final String VERBOSE_PROPERTY = "hybridetl.verbose";

    private final Path stageDir;
    private final ProcessSettings settings;
    private final String javaBinary;
    private final String classPath;
    private final WorkerClassArchive classArchive;

    WorkerLauncher(Path stageDir, ProcessSettings settings) {
        this.stageDir = stageDir;
        this.settings = settings;
        this.javaBinary = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        this.classPath = System.getProperty("java.class.path");
        this.classArchive = WorkerClassArchive.forClassPath(classPath);
    }

    /** The full command line of one worker. */
    List<String> command(int worker, long incarnation) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary);
        cmd.add("-Xmx" + settings.workerHeapMb() + "m");
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(CHRONICLE_FLAGS);
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(classArchive.flags(worker, incarnation));
        if (Boolean.getBoolean(VERBOSE_PROPERTY)) {
            cmd.add("-D" + VERBOSE_PROPERTY + "=true");
        }
        cmd.addAll(settings.extraJvmOptions());
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(WorkerMain.class.getName());
        cmd.add(stageDir.toString());
        cmd.add(Integer.toString(worker));
        cmd.add(Long.toString(incarnation));
        cmd.add(Long.toString(ProcessHandle.current().pid()));
        return cmd;
    }

    /** The start-up class archive these workers use (see {@link WorkerClassArchive}). */
    WorkerClassArchive classArchive() {
        return classArchive;
    }

    /** Starts the next incarnation of a worker slot; its stderr lines also go to {@link WorkerSlot#lastErrorLine}. */
    Process launch(WorkerSlot slot) throws IOException {
        int worker = slot.index;
        ProcessBuilder pb = new ProcessBuilder(command(worker, slot.incarnation));
        Process p = pb.start();
        p.getOutputStream().close();
        String prefix = "[worker-" + worker + "] ";
        pump(p.getInputStream(), line -> LOG.info("{}{}", prefix, line), "etl-worker-" + worker + "-out");
        slot.lastErrorLine = "";
        slot.errorPump = pump(p.getErrorStream(), line -> {
            slot.lastErrorLine = line;
            // A worker's stderr carries only its warnings, errors and crash reports (its own log level is warn),
            // so it is shown at the level the CLI prints by default.
            LOG.warn("{}{}", prefix, line);
        }, "etl-worker-" + worker + "-err");
        return p;
    }

    private static Thread pump(InputStream stream, Consumer<String> sink, String threadName) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    try {
                        sink.accept(line);
                    } catch (RuntimeException e) {
                        // a failing log never fails the pipeline
                    }
                }
            } catch (IOException e) {
                // the worker is gone; nothing more to read
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
