package dev.hybridetl.api;

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
 * @param extraJvmOptions more options for every worker JVM (e.g. GC flags)
 */
public record ProcessSettings(Path queueDir, boolean keepQueues, int workerHeapMb, List<String> extraJvmOptions) {
    public ProcessSettings {
        if (workerHeapMb < 16) {
            throw new IllegalArgumentException("workerHeapMb must be at least 16, was " + workerHeapMb);
        }
        extraJvmOptions = List.copyOf(Objects.requireNonNull(extraJvmOptions, "extraJvmOptions"));
    }

    /** Automatic queue directory, removed after success; 256 MiB heap per worker. */
    public static ProcessSettings defaults() {
        return new ProcessSettings(null, false, 256, List.of());
    }

    public ProcessSettings withQueueDir(Path dir) {
        return new ProcessSettings(dir, keepQueues, workerHeapMb, extraJvmOptions);
    }

    public ProcessSettings withKeepQueues(boolean keep) {
        return new ProcessSettings(queueDir, keep, workerHeapMb, extraJvmOptions);
    }

    public ProcessSettings withWorkerHeapMb(int mb) {
        return new ProcessSettings(queueDir, keepQueues, mb, extraJvmOptions);
    }
}
