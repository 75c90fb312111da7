package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;
import dev.hybridetl.api.spi.OutputSizeEstimate;
import dev.hybridetl.api.Transforms;
import dev.hybridetl.ipc.BatchCodec;
import dev.hybridetl.ipc.ControlClaimer;
import dev.hybridetl.ipc.ControlFileDescriptor;
import dev.hybridetl.ipc.ResultRing;
import dev.hybridetl.ipc.StageQueues;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.IdleStrategy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Entry point of a worker JVM. It starts before it knows its stage and waits for an assignment, one line on stdin:
 * {@code <stage dir> TAB <worker index> TAB <incarnation>} ({@link WorkerAssignment}). For each, it builds the
 * stage's transform from its plugin id ({@code worker.properties} in the stage directory, see {@link WorkerSpec}),
 * claims batches from the input queue, transforms them and writes the results into its own {@link ResultRing} until
 * the pipeline sets the stop flag; then it closes its queues and the transform, sets its state to stopped (only now:
 * stopped means "clean, reusable") and waits for the next assignment. End of stdin ends the JVM (exit 0): so a
 * worker can be started early, before the stage's queues exist, and a {@link ProcessWorkerPool} can reuse it.
 *
 * <p>Argument: {@code <parent pid>}.
 *
 * <p>Threads: the main thread owns the transform and the queues. A daemon watchdog thread publishes a heartbeat
 * every {@value #HEARTBEAT_INTERVAL_MS} ms while the worker has a stage and halts the JVM as soon as the parent
 * process is gone, so a worker never outlives a pipeline killed with {@code kill -9}, idle or not. Exit codes: 0
 * stdin ended, 1 could not start, 2 lost its parent, 3 an input excerpt could not be read, 4 the transform failed to
 * open, 5 the transform failed to close, 6 out of memory, 7 its queue directory's file system is full (no room for
 * its result ring, or a SIGBUS on a mapped file). Codes 4 and 5 are the transform's own failures: the supervisor
 * fails the run at once instead of restarting (a restart would fail the same way). A failure of {@code process} is
 * not an exit: it is reported as a failure frame for its batch and fails the run with the worker's message. Every
 * failure ends the JVM, so a worker that failed is never reused.
 */
public final class WorkerMain {
    static final long HEARTBEAT_INTERVAL_MS = 200;
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_PARENT_GONE = 2;
    static final int EXIT_BAD_INPUT = 3;
    static final int EXIT_OPEN_FAILED = 4;
    static final int EXIT_CLOSE_FAILED = 5;
    static final int EXIT_OUT_OF_MEMORY = 6;
    static final int EXIT_QUEUE_FULL = 7;
    /** How a failure frame for a batch the worker ran out of memory on begins: the supervisor retries it in halves. */
    static final String OUT_OF_MEMORY = "OutOfMemoryError";
    private static final long READ_RETRY_NS = TimeUnit.SECONDS.toNanos(2);

    private final Path stageDir;
    private final int worker;
    private final long incarnation;
    private final WorkerSpec spec;
    private final ControlClaimer control;
    private final WorkerTelemetry telemetry;
    private final BatchCodec codec = new BatchCodec();
    private final OutputSizeEstimate outputSize = new OutputSizeEstimate();
    private final IdleStrategy idle = DutyCycleIdle.create();
    private SingleChronicleQueue input;
    private ExcerptTailer inputTailer;
    private long inputSegment = -1;
    private ResultRing output;
    /** A batch ran it out of memory (reported as a failure frame): the stage goes on, the JVM is not reused. */
    private boolean ranOutOfMemory;

    private WorkerMain(WorkerAssignment assignment, WorkerSpec spec, ControlClaimer control,
                       WorkerTelemetry telemetry) {
        this.stageDir = assignment.stageDir();
        this.worker = assignment.worker();
        this.incarnation = assignment.incarnation();
        this.spec = spec;
        this.control = control;
        this.telemetry = telemetry;
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: WorkerMain <parent pid> (assignments on stdin: <stage dir>\\t<worker>\\t"
                    + "<incarnation>)");
            System.exit(EXIT_START_FAILED);
        }
        ignoreInterrupt();
        Watchdog watchdog = new Watchdog(Long.parseLong(args[0]));
        watchdog.start();
        ChroniclePreload.start(); // while it waits for its assignment
        int exitCode = 0;
        try {
            BufferedReader assignments = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while (exitCode == 0 && (line = assignments.readLine()) != null) {
                exitCode = runStage(WorkerAssignment.parse(line), watchdog);
            }
        } catch (Throwable t) {
            report(-1, "failed: " + t, t);
            exitCode = EXIT_START_FAILED;
        }
        System.out.flush();
        System.err.flush();
        // Chronicle keeps non-daemon helper threads; exit explicitly.
        System.exit(exitCode);
    }

    /** Runs one assignment to its end; returns 0 if the worker may take another, else its exit code. */
    private static int runStage(WorkerAssignment a, Watchdog watchdog) {
        int worker = a.worker();
        ControlClaimer control = null;
        WorkerTelemetry telemetry = null;
        try {
            control = ControlClaimer.open(StageQueues.controlFile(a.stageDir()));
            control.setPid(worker, ProcessHandle.current().pid());
            control.heartbeat(worker, System.currentTimeMillis());
            telemetry = WorkerTelemetry.open(a.stageDir(), worker);
            watchdog.attach(control, worker, telemetry);
            WorkerSpec spec = WorkerSpec.read(StageQueues.workerSpecFile(a.stageDir()));
            WorkerMain stage = new WorkerMain(a, spec, control, telemetry);
            int code = stage.run();
            watchdog.detach();
            if (code == 0 && stage.ranOutOfMemory) {
                // It survived (the batch was retried in halves), but a heap that ran out once is not reused.
                return EXIT_OUT_OF_MEMORY;
            }
            if (code == 0) {
                // Only now, with its queues and transform closed: the pipeline may take it back for another stage.
                control.setState(worker, ControlFileDescriptor.STATE_STOPPED);
            }
            return code;
        } catch (Throwable t) {
            report(worker, "failed: " + t, t);
            return t instanceof OutOfMemoryError ? EXIT_OUT_OF_MEMORY
                    : QueueSpace.isMappedFileFault(t) || QueueSpace.isOutOfSpace(t) ? EXIT_QUEUE_FULL
                    : EXIT_START_FAILED;
        } finally {
            watchdog.detach();
            if (telemetry != null) {
                telemetry.close(); // after detach: the watchdog no longer samples into it
            }
            if (control != null) {
                control.close();
            }
        }
    }

    /**
     * Halts the JVM when the parent is gone; beats the heart of the worker's current stage, if it has one. The
     * control file is attached and detached under the lock, so no heartbeat is written into an unmapped file.
     */
    private static final class Watchdog extends Thread {
        private final long parentPid;
        private final ProcessHandle parent;
        private ControlClaimer control;
        private int worker;
        private WorkerTelemetry telemetry;

        Watchdog(long parentPid) {
            super("etl-worker-watchdog");
            setDaemon(true);
            this.parentPid = parentPid;
            this.parent = ProcessHandle.of(parentPid).orElse(null);
        }

        synchronized void attach(ControlClaimer control, int worker, WorkerTelemetry telemetry) {
            this.control = control;
            this.worker = worker;
            this.telemetry = telemetry;
        }

        synchronized void detach() {
            control = null;
        }

        private synchronized void beat() {
            if (control != null) {
                control.heartbeat(worker, System.currentTimeMillis());
                telemetry.sample();
            }
        }

        @Override
        public void run() {
            while (true) {
                boolean orphaned = parent == null || !parent.isAlive()
                        || ProcessHandle.current().parent().map(p -> p.pid() != parentPid).orElse(true);
                if (orphaned) {
                    System.err.println("worker: pipeline process " + parentPid + " is gone; exiting");
                    Runtime.getRuntime().halt(EXIT_PARENT_GONE);
                }
                beat();
                try {
                    Thread.sleep(HEARTBEAT_INTERVAL_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * Ctrl-C in a terminal signals the whole foreground process group, workers included: the pipeline handles it
     * (cancels, then stops its workers), so a worker must not die of it first and be taken for a crash.
     */
    private static void ignoreInterrupt() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no SIGINT on this platform
        }
    }

    /**
     * Prints one line to stderr (the supervisor quotes the last one when it reports the worker's failure), and the
     * stack trace first when the pipeline runs verbose.
     */
    private static void report(int worker, String what, Throwable t) {
        if (Boolean.getBoolean(WorkerLauncher.VERBOSE_PROPERTY)) {
            t.printStackTrace();
        }
        System.err.println((worker < 0 ? "worker: " : "worker " + worker + ": ") + what);
    }

    private int run() throws Exception {
        Transform transform;
        try {
            transform = Transforms.get(spec.pluginId()).create();
            transform.open(new TransformContext(spec.stageName(), spec.config(), spec.header(), worker));
        } catch (Throwable t) {
            report(worker, "transform '" + spec.pluginId() + "' failed to open: " + PipelineException.describe(t), t);
            return EXIT_OPEN_FAILED;
        }
        int code;
        try {
            output = ResultRing.create(StageQueues.resultRing(stageDir, worker, incarnation), spec.resultRingBytes());
            openCurrentInput();
            control.setState(worker, ControlFileDescriptor.STATE_READY);
            code = loop(transform);
        } catch (Throwable t) {
            try {
                transform.close();
            } catch (Throwable closeError) {
                t.addSuppressed(closeError);
            }
            throw t;
        } finally {
            closeQueues();
        }
        try {
            transform.close();
        } catch (Throwable t) {
            report(worker, "transform '" + spec.pluginId() + "' failed to close: " + PipelineException.describe(t), t);
            return EXIT_CLOSE_FAILED;
        }
        return code;
    }

    /** The failure text of a batch; an out-of-memory one names the heap and the setting that raises it. */
    private static String failureMessage(Throwable e) {
        String msg = PipelineException.describe(e);
        if (e instanceof OutOfMemoryError) {
            msg += " (worker heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB: raise it with"
                    + " ProcessSettings.workerHeapMb, --worker-heap-mb on the command line)";
        }
        return msg;
    }

    /** {@link #processClaim}'s answer when the loop goes on. */
    private static final int NEXT_CLAIM = -1;

    /**
     * Claims batches until the pipeline says stop. The body is a method of its own, {@link #processClaim}, because
     * this loop runs once per stage: the JIT compiles a loop that is entered once only by on-stack replacement, after
     * tens of thousands of back-edges, which a 3M-row run (700 batches a worker, most iterations parked) never
     * reaches, so the whole body ran in the interpreter (a profile of a 30M-row run found several per cent of the
     * workers' CPU in interpreted frames). A method called once per batch is compiled after a few hundred calls.
     */
    private int loop(Transform transform) throws IOException {
        long[] location = new long[2];
        while (!control.stopRequested()) {
            long claim = control.tryClaim(worker, location);
            if (claim == ControlFileDescriptor.NO_CLAIM) {
                idle.idle();
                continue;
            }
            idle.reset();
            int code = processClaim(transform, claim, location[0], location[1]);
            if (code != NEXT_CLAIM) {
                return code;
            }
        }
        return 0;
    }

    /** Reads, transforms and answers one claimed excerpt; {@link #NEXT_CLAIM}, or the worker's exit code. */
    private int processClaim(Transform transform, long claim, long segment, long index) throws IOException {
        BatchCodec.Frame frame = readInput(segment, index);
        if (frame == null) {
            System.err.println("worker " + worker + ": excerpt " + claim + " (segment " + segment + ", index 0x"
                    + Long.toHexString(index) + ") cannot be read");
            return EXIT_BAD_INPUT;
        }
        RecordBatch in = frame.batch();
        control.setCurrentSequence(worker, in.sequence());
        RecordBatchBuilder out = outputSize.builderFor(in);
        long t0 = System.nanoTime();
        try {
            transform.process(in, out);
            RecordBatch result = out.build();
            outputSize.learn(in, result);
            long busyNanos = System.nanoTime() - t0;
            telemetry.batchDone(in.size(), result.size(), busyNanos);
            int frameBytes = codec.checkedFrameBytes(BatchCodec.KIND_RESULT, result);
            if (!appendResult(frameBytes, (buffer, offset) -> codec.encode(BatchCodec.KIND_RESULT, result,
                    frame.attempt(), busyNanos, buffer, offset))) {
                return 0; // stopped while the ring was full: the pipeline is going away
            }
        } catch (Throwable e) {
            // Any Throwable: an Error from a transform (StackOverflowError, NoClassDefFoundError, an
            // AssertionError) is a failure of this batch's code, not of the worker, so it must not be mistaken
            // for a crash and retried until the batch is quarantined as poison.
            ranOutOfMemory |= e instanceof OutOfMemoryError;
            String msg = failureMessage(e);
            if (!appendResult(codec.failureFrameBytes(msg), (buffer, offset) -> codec.encodeFailure(
                    in.sequence(), frame.attempt(), msg, buffer, offset))) {
                return 0;
            }
        }
        control.completeClaim(worker, in.size());
        return NEXT_CLAIM;
    }

    /**
     * Opens the input segment being written now, before the worker says it is ready: opening a worker's first
     * Chronicle queue loads and initialises much of Chronicle (hundreds of milliseconds in a cold JVM on a loaded
     * machine), and that must not be counted against the first batch it claims, whose timeout clock is running.
     * Only a head start: the segment may be gone by the time the worker claims, and then the claim opens its own.
     */
    private void openCurrentInput() {
        long segment = control.latestSegment();
        if (java.nio.file.Files.isDirectory(StageQueues.inputSegment(stageDir, segment))) {
            try {
                openInput(segment);
            } catch (IOException | RuntimeException e) {
                closeInput(); // deleted meanwhile: the first claim opens the segment it names
            }
        }
    }

    private void openInput(long segment) throws IOException {
        closeInput();
        input = StageQueues.open(StageQueues.inputSegment(stageDir, segment));
        inputTailer = input.createTailer();
        inputSegment = segment;
    }

    private void closeInput() {
        if (input != null) {
            inputTailer.close();
            input.close();
            input = null;
            inputSegment = -1;
        }
    }

    private BatchCodec.Frame readInput(long segment, long index) throws IOException {
        if (segment != inputSegment) {
            openInput(segment);
        }
        long deadline = System.nanoTime() + READ_RETRY_NS;
        do {
            if (inputTailer.moveToIndex(index)) {
                try (DocumentContext dc = inputTailer.readingDocument()) {
                    if (dc.isPresent()) {
                        return codec.decode(dc.wire().bytes());
                    }
                }
            }
            input.refreshDirectoryListing();
            idle.idle(0);
        } while (System.nanoTime() < deadline);
        return null;
    }

    /**
     * Writes one result frame, waiting while the ring is full (the conductor reads it on every duty cycle, so that
     * is brief); false if the pipeline asked the worker to stop meanwhile.
     */
    private boolean appendResult(int frameBytes, ResultRing.FrameEncoder encoder) {
        return output.write(frameBytes, encoder, idle, control::stopRequested);
    }

    private void closeQueues() {
        closeInput();
        if (output != null) {
            output.close();
        }
    }
}
