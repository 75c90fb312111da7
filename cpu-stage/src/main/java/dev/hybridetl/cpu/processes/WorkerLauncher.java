package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.ipc.ControlFileDescriptor;
import dev.hybridetl.ipc.ControlPublisher;
import dev.hybridetl.ipc.JvmAccess;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts worker JVMs and hands them their stage: the same {@code java} binary as this process, the flags Chronicle
 * and Agrona need ({@link JvmAccess#childJvmFlags()}: never more than this JDK accepts), the per-worker heap, the
 * worker log level, the user's extra options, and the class path and main class {@link WorkerClassPath} derives from
 * how this JVM was started. Never through a shell: the command is a list of arguments. A started worker waits for
 * its assignment on stdin ({@link WorkerMain}), so the same JVM can come from a {@link ProcessWorkerPool}, started
 * before the stage existed, and go back to it at the stage's end ({@link #stopWorkers}).
 *
 * <p>Threads: {@link #launch} and {@link #stopWorkers} are called by one stage's supervising thread at a time.
 */
final class WorkerLauncher {
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
    private final WorkerClassArchive classArchive;
    private final ProcessWorkerPool pool;
    /** The command without the class-archive flags, which differ between starts: also the pool's key. */
    private final List<String> baseCommand;
    private final String key;
    /** This stage's workers, by their process. */
    private final Map<Process, WorkerProcess> workers = new ConcurrentHashMap<>();

    /**
     * @param stageDir the stage's queue directory; null for a launcher that only starts idle workers for a pool
     * @param pool where workers come from and go back to, or null
     */
    WorkerLauncher(Path stageDir, ProcessSettings settings, WorkerClassPath classPath, ProcessWorkerPool pool) {
        this.stageDir = stageDir;
        this.pool = pool;
        this.classArchive = WorkerClassArchive.forClassPath(classPath.joined());
        String javaBinary = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary);
        cmd.add("-Xmx" + settings.workerHeapMb() + "m");
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(JvmAccess.childJvmFlags());
        if (Boolean.getBoolean(VERBOSE_PROPERTY)) {
            cmd.add("-D" + VERBOSE_PROPERTY + "=true");
        }
        cmd.add("-D" + SIMPLE_LOGGER_LEVEL_PROPERTY + "=" + System.getProperty(SIMPLE_LOGGER_LEVEL_PROPERTY, "warn"));
        cmd.addAll(classPath.jvmOptions());
        cmd.addAll(settings.extraJvmOptions());
        cmd.add("-cp");
        cmd.add(classPath.joined());
        cmd.add(classPath.mainClass());
        cmd.add(Long.toString(ProcessHandle.current().pid()));
        this.baseCommand = List.copyOf(cmd);
        this.key = String.join("\0", baseCommand);
    }

    /** The full command line of a worker started with these class-archive flags (after the JVM options). */
    List<String> command(List<String> archiveFlags) {
        int jvmOptionsEnd = baseCommand.indexOf("-cp");
        List<String> cmd = new ArrayList<>(baseCommand.subList(0, jvmOptionsEnd));
        cmd.addAll(archiveFlags);
        cmd.addAll(baseCommand.subList(jvmOptionsEnd, baseCommand.size()));
        return cmd;
    }

    /** Which workers are interchangeable: those started with the same command. */
    String key() {
        return key;
    }

    /** Starts a worker JVM that waits for its assignment. */
    WorkerProcess start() throws IOException {
        WorkerClassArchive.Start start = classArchive.nextStart();
        try {
            return WorkerProcess.start(command(start.flags()), key, start.dumpTemp() != null,
                    exited -> classArchive.publish(start.dumpTemp(), exited.exitValue() == 0));
        } catch (IOException | RuntimeException e) {
            classArchive.publish(start.dumpTemp(), false);
            throw e;
        }
    }

    /**
     * Gives the next incarnation of a worker slot a worker: a compatible idle one from the pool, else a new JVM. Its
     * stderr lines also go to {@link WorkerSlot#lastErrorLine}.
     */
    Process launch(WorkerSlot slot) throws IOException {
        workers.values().removeIf(w -> !w.isAlive());
        WorkerAssignment assignment = new WorkerAssignment(stageDir, slot.index, slot.incarnation);
        WorkerProcess w = pool == null ? null : pool.take(key);
        if (w != null) {
            try {
                w.assign(assignment, slot);
            } catch (IOException e) {
                w.kill(); // it died in the pool
                w = null;
            }
        }
        if (w == null) {
            w = start();
            try {
                w.assign(assignment, slot);
            } catch (IOException e) {
                w.kill();
                throw e;
            }
        }
        workers.put(w.process(), w);
        return w.process();
    }

    /**
     * Stops a stage's workers at its end: raises the stop flag and gives them {@code graceMs} to finish their
     * batch, close their queues and transform and report stopped. Those that did go back to the pool (without one,
     * or when it is full or closed, they are asked to exit); those that did not are killed. Returns once every worker
     * that is not in the pool has exited, or {@code killWaitMs} after the kill. Blocking.
     *
     * @param slots the stage's slots; each {@link WorkerSlot#process} is its current worker, or null
     */
    void stopWorkers(WorkerSlot[] slots, ControlPublisher control, long graceMs, long killWaitMs) {
        control.requestStop();
        long graceDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
        while (!allDoneOrStopped(slots, control) && System.nanoTime() < graceDeadline) {
            pause();
        }
        List<WorkerProcess> ending = new ArrayList<>();
        List<WorkerProcess> retiring = new ArrayList<>();
        for (WorkerSlot slot : slots) {
            WorkerProcess w = slot.process == null ? null : workers.remove(slot.process);
            if (w == null) {
                continue;
            }
            if (stoppedCleanly(slot, control)) {
                w.unbind();
                if (pool == null || !pool.offer(w)) {
                    retiring.add(w);
                }
            } else {
                w.kill();
                ending.add(w);
            }
        }
        retiring.forEach(WorkerProcess::retire); // all at once: they exit in parallel
        long retiredNanos = System.nanoTime();
        for (WorkerProcess w : retiring) {
            w.awaitExitOrKill(retiredNanos, graceMs);
        }
        long killDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(killWaitMs);
        for (WorkerProcess w : ending) {
            w.awaitExit(killDeadline);
        }
        // any worker left over (one relaunched while the stage ended) is killed too: none may outlive the stage
        workers.values().forEach(WorkerProcess::kill);
        workers.clear();
    }

    private static boolean stoppedCleanly(WorkerSlot slot, ControlPublisher control) {
        return !slot.killed && slot.process.isAlive() && control.state(slot.index) == ControlFileDescriptor.STATE_STOPPED;
    }

    private static boolean allDoneOrStopped(WorkerSlot[] slots, ControlPublisher control) {
        for (WorkerSlot slot : slots) {
            if (slot.process != null && slot.process.isAlive() && !slot.killed
                    && control.state(slot.index) != ControlFileDescriptor.STATE_STOPPED) {
                return false;
            }
        }
        return true;
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
