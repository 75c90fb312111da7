package dev.hybridetl.api;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the {@link Placement#PROCESSES} placement; ignored by stages placed on threads.
 *
 * @param queueDir where the Chronicle queues live; {@code null} picks a fresh private directory under
 *                 {@code /dev/shm} where it exists, otherwise under the system temp directory
 * @param keepQueues keep the queue directory when the run ends, for inspection; otherwise it is deleted after
 *                   success, failure and cancel alike
 * @param workerHeapMb maximum heap of each worker JVM, in MiB ({@code -Xmx})
 * @param extraJvmOptions more options for every worker JVM (e.g. GC flags, {@code -D} properties), after the ones
 *                        the launcher sets; not the class path (see {@code workerClassPath}) nor the main class
 * @param workerClassPath the jars and directories worker JVMs load hybrid-etl, the transforms and their
 *                        dependencies from; empty (the default) derives it from how this JVM was started: its class
 *                        path, a Spring Boot executable jar, or the file URLs of a {@code URLClassLoader} (see
 *                        docs/decisions/0004-worker-class-path.md). Set it where none of these applies, or to start
 *                        workers from an extracted copy of a fat jar.
 */
public record ProcessSettings(Path queueDir, boolean keepQueues, int workerHeapMb, List<String> extraJvmOptions,
                              List<Path> workerClassPath) {
    /** Options that would replace the worker's class path or main class, which the launcher owns. */
    private static final List<String> LAUNCHER_OPTIONS = List.of("-cp", "-classpath", "--class-path", "-jar", "-m",
            "--module", "-p", "--module-path");

    public ProcessSettings {
        if (workerHeapMb < 16) {
            throw new IllegalArgumentException("workerHeapMb must be at least 16, was " + workerHeapMb);
        }
        extraJvmOptions = List.copyOf(Objects.requireNonNull(extraJvmOptions, "extraJvmOptions"));
        for (String option : extraJvmOptions) {
            if (option.isBlank()) {
                throw new IllegalArgumentException("extraJvmOptions: a worker JVM option is blank");
            }
            String name = option.strip().split("=", 2)[0];
            if (LAUNCHER_OPTIONS.contains(name)) {
                throw new IllegalArgumentException("extraJvmOptions: '" + option + "' is not an option for worker "
                        + "JVMs: the launcher sets their class path and main class (set the class path with "
                        + "workerClassPath)");
            }
        }
        workerClassPath = List.copyOf(Objects.requireNonNull(workerClassPath, "workerClassPath"));
        for (Path entry : workerClassPath) {
            if (entry.toString().isEmpty() || entry.toString().contains(File.pathSeparator)) {
                throw new IllegalArgumentException("workerClassPath: entry '" + entry + "' is empty or contains '"
                        + File.pathSeparator + "'; give one path per entry");
            }
        }
    }

    /** The settings without an explicit worker class path (derived from how this JVM was started). */
    public ProcessSettings(Path queueDir, boolean keepQueues, int workerHeapMb, List<String> extraJvmOptions) {
        this(queueDir, keepQueues, workerHeapMb, extraJvmOptions, List.of());
    }

    /** Automatic queue directory, removed after success; 256 MiB heap per worker; derived worker class path. */
    public static ProcessSettings defaults() {
        return new ProcessSettings(null, false, 256, List.of(), List.of());
    }

    public ProcessSettings withQueueDir(Path dir) {
        return new ProcessSettings(dir, keepQueues, workerHeapMb, extraJvmOptions, workerClassPath);
    }

    public ProcessSettings withKeepQueues(boolean keep) {
        return new ProcessSettings(queueDir, keep, workerHeapMb, extraJvmOptions, workerClassPath);
    }

    public ProcessSettings withWorkerHeapMb(int mb) {
        return new ProcessSettings(queueDir, keepQueues, mb, extraJvmOptions, workerClassPath);
    }

    public ProcessSettings withExtraJvmOptions(List<String> options) {
        return new ProcessSettings(queueDir, keepQueues, workerHeapMb, options, workerClassPath);
    }

    /** Worker JVMs load their classes from these jars and directories instead of a derived class path. */
    public ProcessSettings withWorkerClassPath(List<Path> entries) {
        return new ProcessSettings(queueDir, keepQueues, workerHeapMb, extraJvmOptions, entries);
    }
}
