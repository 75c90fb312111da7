package dev.hybridetl.cpu.processes;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One started worker JVM ({@link WorkerMain}), waiting for an assignment or running one: its process, the pipe its
 * assignments go down, and the two daemon threads that pump its stdout and stderr line by line into this process's
 * log, prefixed with the slot it serves ({@code [worker-N]}) or, while idle, its pid. {@link WorkerOutputLevels}
 * picks each line's level (a log record keeps its own; other lines are info on stdout, warn on stderr); the stderr
 * lines also go to the bound slot's {@link WorkerSlot#lastErrorLine}.
 *
 * <p>Threads: {@link #assign} and {@link #retire} are called by whoever holds the worker (a stage's supervisor, or
 * the pool); the pumps only read the volatile binding.
 */
final class WorkerProcess {
    private static final Logger LOG = LoggerFactory.getLogger("dev.hybridetl.worker");

    private final Process process;
    /** Which workers it may stand in for: the launch command, without the per-start class-archive flags. */
    private final String key;
    private final Writer assignments;
    /** It writes the class archive when it exits, which takes a while: it gets longer to exit. */
    private final boolean writesArchive;
    private final Thread errorPump;
    /** Completes once the process has exited and its exit has been dealt with (the class archive published). */
    private final CompletableFuture<Void> exited;
    private volatile WorkerSlot slot;
    private volatile String prefix;
    /** When it last went idle ({@link System#nanoTime()}); the pool's, under its lock. */
    long idleSinceNanos;

    private WorkerProcess(Process process, String key, boolean writesArchive, Consumer<Process> onExit) {
        this.process = process;
        this.key = key;
        this.writesArchive = writesArchive;
        this.prefix = idlePrefix(process);
        this.assignments = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.exited = process.onExit().thenAccept(onExit);
        WorkerOutputLevels outLevels = new WorkerOutputLevels(Level.INFO);
        pump(process.getInputStream(), line -> log(outLevels.next(line), line), "etl-worker-" + process.pid() + "-out");
        WorkerOutputLevels errLevels = new WorkerOutputLevels(Level.WARN);
        this.errorPump = pump(process.getErrorStream(), line -> {
            Level level = errLevels.next(line);
            WorkerSlot s = slot;
            // the line quoted when start-up fails: the last warning, or else the last line
            if (s != null && (level == Level.WARN || s.lastErrorLine.isEmpty())) {
                s.lastErrorLine = line;
            }
            log(level, line);
        }, "etl-worker-" + process.pid() + "-err");
    }

    /**
     * Starts a worker JVM with {@code command}; it waits for its first assignment.
     *
     * @param onExit runs once when the process has exited (on a thread of the common pool)
     */
    static WorkerProcess start(List<String> command, String key, boolean writesArchive, Consumer<Process> onExit)
            throws IOException {
        return new WorkerProcess(new ProcessBuilder(command).start(), key, writesArchive, onExit);
    }

    Process process() {
        return process;
    }

    String key() {
        return key;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Binds the worker to {@code slot} and sends it the assignment. A worker that has died meanwhile shows as a
     * broken pipe.
     *
     * @throws IOException if the assignment cannot be written (the worker is gone)
     */
    void assign(WorkerAssignment assignment, WorkerSlot slot) throws IOException {
        slot.lastErrorLine = "";
        slot.errorPump = errorPump;
        this.slot = slot;
        this.prefix = "[worker-" + assignment.worker() + "] ";
        assignments.write(assignment.line());
        assignments.write('\n');
        assignments.flush();
    }

    /** Unbinds it from its slot: its stage has ended, it waits for another assignment. */
    void unbind() {
        slot = null;
        prefix = idlePrefix(process);
    }

    /** Asks it to exit (end of stdin), without waiting. */
    void retire() {
        unbind();
        try {
            assignments.close();
        } catch (IOException e) {
            // the pipe is broken: the worker is gone already
        }
    }

    /** How long it may take to exit once retired: {@code graceMs}, longer if it writes the class archive. */
    long exitGraceMs(long graceMs) {
        return writesArchive ? Math.max(graceMs, WorkerClassArchive.DUMP_GRACE_MS) : graceMs;
    }

    /**
     * Waits until {@link #exitGraceMs} after {@code retiredNanos} ({@link System#nanoTime()}) for a retired worker to
     * exit; kills it if it has not.
     */
    void awaitExitOrKill(long retiredNanos, long graceMs) {
        if (!awaitExit(retiredNanos + TimeUnit.MILLISECONDS.toNanos(exitGraceMs(graceMs)))) {
            kill();
        }
    }

    /** Waits until it has exited and its exit was dealt with, or the deadline ({@link System#nanoTime()}) passes. */
    boolean awaitExit(long deadlineNanos) {
        try {
            exited.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return !process.isAlive();
        }
    }

    /** Kills it. */
    void kill() {
        process.destroyForcibly();
    }

    private static String idlePrefix(Process p) {
        return "[worker pid " + p.pid() + "] ";
    }

    private void log(Level level, String line) {
        String p = prefix;
        switch (level) {
            case TRACE, DEBUG -> LOG.debug("{}{}", p, line);
            case INFO -> LOG.info("{}{}", p, line);
            default -> LOG.warn("{}{}", p, line);
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
