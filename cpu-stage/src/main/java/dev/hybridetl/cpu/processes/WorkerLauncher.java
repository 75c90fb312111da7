package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.ipc.JvmAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Starts worker JVMs: the same {@code java} binary as this process, the flags Chronicle and Agrona need
 * ({@link JvmAccess#childJvmFlags()}: never more than this JDK accepts), the per-worker heap, the worker log level,
 * the user's extra options, and the class path and main class {@link WorkerClassPath} derives from how this JVM was
 * started. Never through a shell: the command is a list of arguments. Each worker's stdout and stderr are pumped line
 * by line into this process's log, prefixed with {@code [worker-N]}, by two small daemon threads that end when the
 * worker's pipes close; {@link WorkerOutputLevels} picks each line's level (a log record keeps its own; other lines
 * are info on stdout, warn on stderr).
 */
final class WorkerLauncher {
    private static final Logger LOG = LoggerFactory.getLogger("dev.hybridetl.worker");

    /**
     * slf4j-simple's level property. Workers get this JVM's value, or warn: with slf4j-simple (whose default is info)
     * a worker would print Chronicle's info banner on stderr at every start. Other logging back ends ignore it; their
     * records are classified by level instead.
     */
    static final String SIMPLE_LOGGER_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    /**
     * System property: when true in the pipeline JVM (the CLI's {@code --verbose} sets it), workers get it too and
     * print stack traces; otherwise a failing worker prints one line.
     */
    static final String VERBOSE_PROPERTY = "hybridetl.verbose";

    private final Path stageDir;
    private final ProcessSettings settings;
    private final String javaBinary;
    private final WorkerClassPath classPath;
    private final WorkerClassArchive classArchive;

    WorkerLauncher(Path stageDir, ProcessSettings settings, WorkerClassPath classPath) {
        this.stageDir = stageDir;
        this.settings = settings;
        this.javaBinary = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        this.classPath = classPath;
        this.classArchive = WorkerClassArchive.forClassPath(classPath.joined());
    }

    /** The full command line of one worker. */
    List<String> command(int worker, long incarnation) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary);
        cmd.add("-Xmx" + settings.workerHeapMb() + "m");
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(JvmAccess.childJvmFlags());
        cmd.addAll(classArchive.flags(worker, incarnation));
        if (Boolean.getBoolean(VERBOSE_PROPERTY)) {
            cmd.add("-D" + VERBOSE_PROPERTY + "=true");
        }
        cmd.add("-D" + SIMPLE_LOGGER_LEVEL_PROPERTY + "=" + System.getProperty(SIMPLE_LOGGER_LEVEL_PROPERTY, "warn"));
        cmd.addAll(classPath.jvmOptions());
        cmd.addAll(settings.extraJvmOptions());
        cmd.add("-cp");
        cmd.add(classPath.joined());
        cmd.add(classPath.mainClass());
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
        WorkerOutputLevels outLevels = new WorkerOutputLevels(Level.INFO);
        pump(p.getInputStream(), line -> log(outLevels.next(line), prefix, line), "etl-worker-" + worker + "-out");
        slot.lastErrorLine = "";
        WorkerOutputLevels errLevels = new WorkerOutputLevels(Level.WARN);
        slot.errorPump = pump(p.getErrorStream(), line -> {
            Level level = errLevels.next(line);
            // the line quoted when start-up fails: the last warning, or else the last line
            if (level == Level.WARN || slot.lastErrorLine.isEmpty()) {
                slot.lastErrorLine = line;
            }
            log(level, prefix, line);
        }, "etl-worker-" + worker + "-err");
        return p;
    }

    private static void log(Level level, String prefix, String line) {
        switch (level) {
            case TRACE, DEBUG -> LOG.debug("{}{}", prefix, line);
            case INFO -> LOG.info("{}{}", prefix, line);
            default -> LOG.warn("{}{}", prefix, line);
        }
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
