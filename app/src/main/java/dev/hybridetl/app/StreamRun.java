package dev.hybridetl.app;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.PipelineRun;
import dev.hybridetl.api.Progress;
import dev.hybridetl.api.SourcePosition;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A stream run of {@code run --source tcp|follow}: starts the pipeline, prints a progress line (a rate, no ETA)
 * every {@code --progress-every}, and on SIGTERM or SIGINT drains it ({@link PipelineRun#stop()}): the source stops
 * reading, what was read is finished and committed, and the command exits 0. A second signal, or a drain longer than
 * {@code --drain-timeout}, cancels instead.
 *
 * <p>Why signal handlers rather than a shutdown hook: a hook runs once the JVM is already exiting, with status 143,
 * whatever the run's outcome; a drain is a normal end of the run, so it must end with the command's own exit code.
 * {@code sun.misc.Signal} (module jdk.unsupported, kept for exactly this) lets the main thread finish the run and
 * return. The previous handlers are restored when the run ends.
 */
final class StreamRun {

    private final StreamOptions options;
    private final PrintWriter err;

    StreamRun(StreamOptions options, PrintWriter err) {
        this.options = options;
        this.err = err;
    }

    /** The position a followed file continues from, if {@code --position-file} names an existing file. */
    Optional<SourcePosition> savedPosition() {
        Path file = options.positionFile;
        if (file == null || !Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
            return Optional.of(new SourcePosition(p.getProperty("resource"),
                    Long.parseLong(p.getProperty("byteOffset")), Long.parseLong(p.getProperty("nextRecord")),
                    p.getProperty("header")));
        } catch (IOException | RuntimeException e) {
            throw new Main.UsageProblem("the position file " + file + " cannot be read (" + e.getMessage()
                    + "); delete it to start at the file's start");
        }
    }

    /**
     * Runs {@code pipeline} until its stream ends or a signal drains it.
     *
     * @param watch what else follows the started run (the metrics endpoint and report: {@link RunObservation})
     */
    PipelineResult run(Pipeline pipeline, java.util.function.UnaryOperator<PipelineRun> watch)
            throws InterruptedException, IOException {
        PipelineRun run = watch.apply(pipeline.start());
        SignalHandler drain = signal -> onSignal(run, signal);
        SignalHandler oldTerm = Signal.handle(new Signal("TERM"), drain);
        SignalHandler oldInt = Signal.handle(new Signal("INT"), drain);
        try {
            PipelineResult result = followProgress(run);
            savePosition(run.position());
            return result;
        } finally {
            Signal.handle(new Signal("TERM"), oldTerm);
            Signal.handle(new Signal("INT"), oldInt);
        }
    }

    private volatile boolean draining;

    private void onSignal(PipelineRun run, Signal signal) {
        if (draining) {
            err.println("pipeline-app: SIG" + signal.getName() + " again: cancelling; the part being written is "
                    + "dropped");
            err.flush();
            run.cancel();
            return;
        }
        draining = true;
        err.println("pipeline-app: SIG" + signal.getName() + ": draining the stream (stop reading, finish and commit "
                + "what was read)");
        err.flush();
        run.stop();
        Thread watchdog = new Thread(() -> {
            try {
                run.completion().handle((r, e) -> null).get(options.drainTimeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                err.println("pipeline-app: the drain took longer than --drain-timeout " + options.drainTimeout
                        + ": cancelling");
                err.flush();
                run.cancel();
            } catch (Exception ignored) {
                // the run ended: nothing to do
            }
        }, "etl-drain-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private PipelineResult followProgress(PipelineRun run) throws InterruptedException {
        java.time.Duration every = options.progressEvery.isZero() || options.progressEvery.isNegative()
                ? java.time.Duration.ofSeconds(1) : options.progressEvery;
        while (true) {
            try {
                return run.await(every);
            } catch (TimeoutException stillRunning) {
                Progress p = run.progress();
                err.printf("pipeline-app: streaming: %,d records in, %,d out, %,d rejected, %,.0f records/s, "
                                + "%,d bytes read%n", p.recordsIn(), p.recordsOut(), p.recordsRejected(),
                        p.recordsPerSecond(), p.bytesRead());
                err.flush();
            }
        }
    }

    private void savePosition(Optional<SourcePosition> position) throws IOException {
        Path file = options.positionFile;
        if (file == null || position.isEmpty()) {
            return;
        }
        SourcePosition at = position.get();
        Properties p = new Properties();
        p.setProperty("resource", at.resource());
        p.setProperty("byteOffset", Long.toString(at.byteOffset()));
        p.setProperty("nextRecord", Long.toString(at.nextRecord()));
        p.setProperty("header", at.header());
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
        try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            p.store(out, "pipeline-app: where --source follow continues");
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
