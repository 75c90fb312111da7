package dev.hybridetl.api;

import dev.hybridetl.api.spi.StageRunner;
import dev.hybridetl.api.spi.StageRunnerContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wires one run: source → stage runners → sink, as one Reactor flow.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Order and backpressure.</b> Each stage is a {@code flatMapSequential} with concurrency = the in-flight
 *       window and prefetch 1: at most {@code window} batches are handed to a stage at once, and results are
 *       released in sequence order. That bounded buffer is the writer's reorder window; memory is bounded by
 *       {@code stages × window} batches whatever the input size.</li>
 *   <li><b>Threads.</b> The run owns two schedulers: a single non-blocking event-loop thread for framing and
 *       hand-offs, and a small bounded-elastic pool for calls that block (starting workers, fsync, gzip). Both are
 *       disposed at the end, so a run leaves no thread behind.</li>
 *   <li><b>Cleanup.</b> Whatever ends the flow (success, error, cancel), a dedicated cleanup thread closes the stage
 *       runners (stopping threads and worker processes), closes the source and disposes the schedulers, and only
 *       then completes the run's future. Cleanup never runs on an event-loop thread because it blocks.</li>
 *   <li><b>A run always ends.</b> Every call into code that is not the engine's (source, runners, sink) is guarded:
 *       whatever it throws, {@link Error}s included, becomes a {@link PipelineException} that names the stage and
 *       phase, because Reactor rethrows "JVM-fatal" errors instead of signalling them. The run's threads end the run
 *       with anything that still escapes ({@link RunThreads}); every cleanup step catches {@code Throwable}; the
 *       future completes in a {@code finally}.</li>
 *   <li><b>Cancel.</b> A cancel is delivered as an error into the flow just upstream of the sink, so the sink
 *       removes its temporary files before the flow terminates, and cleanup need not wait for queued work. Only if
 *       the flow has not ended {@value #CANCEL_GRACE_MS} ms later is the subscription disposed outright.</li>
 *   <li><b>Stop (drain).</b> The opposite of a cancel: the source's batches end, and the flow completes as at the
 *       end of a file, so every batch already read is finished, ordered and committed. A reader that can end its
 *       batches itself ({@link SourceReader#stop()}: a stream flushes the whole lines it holds) is asked to; for any
 *       other the batches are cut just after the source, after the batches it has emitted. Nothing else changes:
 *       a drain is an ordinary completion, with an ordinary result.</li>
 * </ul>
 */
final class PipelineEngine {
    /** How long a cancelled flow may take to unwind (the sink deleting its temp files) before it is disposed. */
    static final long CANCEL_GRACE_MS = 1_000;
    /** How long cleanup waits for work still queued on the run's schedulers, when the flow had to be disposed. */
    private static final long DISPOSE_GRACE_MS = 1_000;
    /** Upper bound on waiting for a stage that is starting when the run ends (it is interrupted meanwhile). */
    private static final long STARTER_GRACE_S = 15;

    private final Pipeline pipeline;
    private final long startNanos = System.nanoTime();
    private final RunWatchdog watchdog;
    private final Scheduler eventLoop;
    private final Scheduler blocking = RunThreads.blocking(this::onUncaught);
    private final Sinks.One<RecordBatch> cancelSignal = Sinks.one();
    /** Cuts the source's batches, for a {@link #stop()} of a reader that cannot end them itself. */
    private final Sinks.Empty<Void> cutSignal = Sinks.empty();
    private volatile boolean stopping;
    private final StageMetrics sourceMetrics;
    private final List<StageMetrics> stageMetrics = new ArrayList<>();
    private final List<StageLoad> stageLoads = new ArrayList<>();
    private final StageMetrics sinkMetrics;
    private final LongAdder recordsIn = new LongAdder();
    private final LongAdder recordsOut = new LongAdder();
    private final LongAdder recordsRejected = new LongAdder();
    /** Micrometer mirrors of the adders: cumulative across runs that share a registry. */
    private final Counter inCounter;
    private final Counter outCounter;
    private final Counter rejectedCounter;
    private final RejectMeters rejectMeters;
    private final AtomicReference<SourceReader> reader = new AtomicReference<>();
    private final Object runnersLock = new Object();
    private final List<StageRunner> runners = new ArrayList<>();
    private boolean closing;
    private final AtomicBoolean cleanupStarted = new AtomicBoolean();
    private final AtomicBoolean starting = new AtomicBoolean();
    private final CountDownLatch startersDone = new CountDownLatch(1);
    private final CompletableFuture<PipelineResult> completion = new CompletableFuture<>();
    private volatile Disposable subscription;

    private PipelineEngine(Pipeline pipeline) {
        this.pipeline = pipeline;
        this.watchdog = new RunWatchdog(pipeline.eventLoopWatchdog, pipeline.slowBatchWarning, pipeline.registry);
        this.eventLoop = RunThreads.eventLoop(this::onUncaught, watchdog);
        this.sourceMetrics = new StageMetrics("source", "source", pipeline.registry);
        for (Stage stage : pipeline.stages) {
            stageMetrics.add(new StageMetrics(stage.name(), stage.placement().cliName(), pipeline.registry));
            stageLoads.add(new StageLoad(stageMetrics.get(stageMetrics.size() - 1), stage.workers(),
                    pipeline.maxInFlightBatches, pipeline.registry));
        }
        this.sinkMetrics = new StageMetrics("sink", "sink", pipeline.registry);
        this.inCounter = recordsCounter(pipeline.registry, "in");
        this.outCounter = recordsCounter(pipeline.registry, "out");
        this.rejectedCounter = recordsCounter(pipeline.registry, "rejected");
        this.rejectMeters = new RejectMeters(pipeline.registry);
    }

    private static Counter recordsCounter(MeterRegistry registry, String kind) {
        return Counter.builder(MeterNames.RECORDS).description("records read, written and rejected")
                .tag(MeterNames.KIND, kind).register(registry);
    }

    static PipelineRun start(Pipeline pipeline) {
        PipelineEngine engine = new PipelineEngine(pipeline);
        try {
            engine.subscribe();
        } catch (Throwable t) {
            engine.cleanup(PipelineException.wrap("pipeline failed to start", t));
        }
        return new PipelineRun(engine.completion, engine::cancel, engine::stop, engine::progress, engine::position);
    }

    private void subscribe() {
        watchdog.start();
        SourceSettings sourceSettings = new SourceSettings(pipeline.batchBytes, pipeline.maxRecordBytes, eventLoop,
                blocking, sourceMetrics);
        String sourceContext = "cannot read " + pipeline.source.description();
        // A stop while the source is still opening (a stream whose header has not come) ends the run empty.
        Mono<Void> flow = Guards.mono(sourceContext, () -> pipeline.source.open(sourceSettings))
                .takeUntilOther(cutSignal.asMono())
                .flatMap(r -> {
                    reader.set(r);
                    if (stopping) {
                        askToStop(r); // stopped while opening: stop() may not have seen this reader
                    }
                    return Mono.fromCallable(() -> startRunners(r.header())).subscribeOn(blocking)
                            .flatMap(started -> {
                                // A read error reaches the engine through the sink: it is named for the source
                                // before it gets there, and the sink's context leaves a PipelineException as it is.
                                Flux<RecordBatch> batches = chain(Guards.flux(sourceContext, r::batches)
                                        .takeUntilOther(cutSignal.asMono()), started);
                                String sinkContext = "cannot write " + pipeline.sink.description();
                                return Guards.mono(sinkContext, () -> pipeline.sink.write(batches,
                                        new SinkSettings(eventLoop, blocking, sinkMetrics)));
                            });
                });
        subscription = flow.subscribe(null, this::cleanup, () -> cleanup(null));
    }

    private Flux<RecordBatch> chain(Flux<RecordBatch> batches, List<StageRunner> started) {
        Flux<RecordBatch> flow = batches.map(b -> {
            int n = b.size() + b.rejects().size();
            recordsIn.add(n);
            inCounter.increment(n);
            return b.withRejectContext(Reject.SOURCE, 1, System.currentTimeMillis());
        });
        for (int i = 0; i < started.size(); i++) {
            StageRunner runner = started.get(i);
            String name = pipeline.stages.get(i).name();
            StageLoad load = stageLoads.get(i);
            flow = flow.doOnNext(in -> load.handedIn(in.size()))
                    .flatMapSequential(in -> watchdog.timed(name, in, Guards.process(runner, name, in))
                            .map(out -> out.withEarlierRejects(in.rejects())),
                    pipeline.maxInFlightBatches, 1)
                    .doOnNext(out -> load.released());
        }
        // A cancel arrives here as an error, so that the sink sees it and cleans up before the flow ends.
        return flow.takeUntilOther(cancelSignal.asMono())
                .concatWith(Mono.defer(() -> cancelled ? Mono.error(cancelledException()) : Mono.empty()))
                .publishOn(eventLoop, 2)
                .doOnNext(b -> {
                    recordsOut.add(b.size());
                    recordsRejected.add(b.rejects().size());
                    outCounter.increment(b.size());
                    rejectedCounter.increment(b.rejects().size());
                    rejectMeters.count(b.rejects());
                });
    }

    /** Starts every stage's runner; blocking, so it runs on the blocking scheduler. */
    private List<StageRunner> startRunners(String header) {
        starting.set(true);
        try {
            return startEachRunner(header);
        } finally {
            startersDone.countDown();
        }
    }

    /**
     * Cleanup waits for a stage that is still starting (it closes its own runner when it sees the run closing), so
     * that the run's future never completes while a worker it launched is still alive.
     */
    private void awaitStarters() throws InterruptedException {
        if (starting.get()) {
            startersDone.await(STARTER_GRACE_S, TimeUnit.SECONDS);
        }
    }

    private List<StageRunner> startEachRunner(String header) {
        List<StageRunner> started = new ArrayList<>();
        for (int i = 0; i < pipeline.stages.size(); i++) {
            Stage stage = pipeline.stages.get(i);
            StageRunner runner;
            try {
                runner = pipeline.runners.factoryOf(stage).start(new StageRunnerContext(stage, i, header,
                        pipeline.maxInFlightBatches, stageMetrics.get(i), pipeline.processSettings, pipeline.registry,
                        pipeline.workerPool == null ? null : pipeline.workerPool.pool.backend));
            } catch (Throwable e) {
                throw PipelineException.wrap("stage '" + stage.name() + "' failed to start", e);
            }
            synchronized (runnersLock) {
                if (closing) {
                    runner.close();
                    throw new PipelineException("pipeline was cancelled while starting stage '" + stage.name() + "'");
                }
                runners.add(runner);
            }
            started.add(runner);
        }
        return started;
    }

    private volatile boolean cancelled;
    /** Set when the flow was disposed from outside rather than ending by itself (see {@link #forceDispose()}). */
    private volatile boolean forcedDispose;

    /**
     * Delivers the cancel into the flow (see the class notes); disposes the flow only if it has not ended after
     * {@link #CANCEL_GRACE_MS}, or at once before the sink is writing.
     */
    private void cancel() {
        if (cleanupStarted.get() || cancelled) {
            return;
        }
        cancelled = true;
        synchronized (runnersLock) {
            closing = true; // a stage still starting gives up
        }
        cancelSignal.tryEmitEmpty();
        Thread graceTimer = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CANCEL_GRACE_MS);
            while (!cleanupStarted.get() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    break;
                }
            }
            if (!cleanupStarted.get()) {
                forceDispose();
                cleanup(cancelledException());
            }
        }, "etl-cancel");
        graceTimer.setDaemon(true);
        graceTimer.start();
    }

    /**
     * Drains the run (see the class notes): no effect once it is cancelled or ending. Never blocks; idempotent.
     */
    private void stop() {
        if (cleanupStarted.get() || cancelled || stopping) {
            return;
        }
        stopping = true;
        SourceReader r = reader.get();
        if (r == null) {
            cutSignal.tryEmitEmpty(); // not open yet: the batches end as soon as they start
        } else {
            askToStop(r);
        }
    }

    private void askToStop(SourceReader r) {
        boolean endsItself = false;
        try {
            endsItself = r.stop();
        } catch (Throwable e) {
            // a reader that fails to stop is cut like one that cannot
        }
        if (!endsItself) {
            cutSignal.tryEmitEmpty();
        }
    }

    /** The reader's position, once the run has completed normally (then everything it emitted is committed). */
    private Optional<SourcePosition> position() {
        SourceReader r = reader.get();
        if (r == null || !completion.isDone() || completion.isCompletedExceptionally()) {
            return Optional.empty();
        }
        try {
            return r.position();
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    /** Ends the flow from outside: operators still unwinding may leave clean-up work queued on the schedulers. */
    private void forceDispose() {
        forcedDispose = true;
        Disposable d = subscription;
        if (d != null) {
            d.dispose();
        }
    }

    private static PipelineException cancelledException() {
        return new PipelineException("pipeline was cancelled");
    }

    /** Something escaped a run's thread (see {@link RunThreads}): the run ends with it. */
    private void onUncaught(Throwable error) {
        forceDispose();
        cleanup(PipelineException.wrap("pipeline failed on thread " + Thread.currentThread().getName(), error));
    }

    private Progress progress() {
        SourceReader r = reader.get();
        return new Progress(recordsIn.sum(), recordsOut.sum(), recordsRejected.sum(), r == null ? 0 : r.bytesRead(),
                r == null ? -1 : r.sizeBytes(), System.nanoTime() - startNanos, r != null && r.unbounded());
    }

    /**
     * Runs once: releases everything on a fresh thread (it blocks), then completes the future. Every step catches
     * {@code Throwable}, and the future completes in {@code finally}, whatever a step threw.
     */
    private void cleanup(Throwable error) {
        if (!cleanupStarted.compareAndSet(false, true)) {
            return;
        }
        long wallNanos = System.nanoTime() - startNanos;
        Thread t = new Thread(() -> {
            List<StageRunner> toClose = List.of();
            Throwable closeError = null;
            try {
                synchronized (runnersLock) {
                    closing = true;
                }
                Disposable d = subscription;
                if (d != null) {
                    d.dispose(); // interrupts a stage that is still starting; a no-op once the flow has ended
                }
                awaitStarters();
                synchronized (runnersLock) {
                    toClose = new ArrayList<>(runners);
                }
                for (int i = 0; i < toClose.size(); i++) {
                    try {
                        toClose.get(i).close();
                    } catch (Throwable e) {
                        closeError = closeError != null ? closeError
                                : PipelineException.wrap("stage '" + pipeline.stages.get(i).name()
                                + "' failed to stop", e);
                    }
                }
                SourceReader r = reader.get();
                if (r != null) {
                    try {
                        r.close();
                    } catch (Throwable e) {
                        closeError = closeError != null ? closeError
                                : PipelineException.wrap("closing " + pipeline.source.description() + " failed", e);
                    }
                }
                // Normally nothing is queued any more: the sink cleaned up before the flow ended. After a forced
                // dispose its temp-file clean-up may still be queued, so give queued work a short grace.
                dispose(eventLoop, forcedDispose);
                dispose(blocking, forcedDispose);
            } catch (Throwable e) {
                closeError = closeError != null ? closeError : PipelineException.wrap("cleanup failed", e);
            } finally {
                stageLoads.forEach(StageLoad::close);
                watchdog.close(); // never throws
                complete(error, closeError, toClose, wallNanos);
            }
        }, "etl-cleanup");
        t.setDaemon(false);
        t.start();
    }

    private void complete(Throwable error, Throwable closeError, List<StageRunner> closed, long wallNanos) {
        try {
            if (error != null) {
                PipelineException primary = Guards.primary(error);
                if (closeError != null && closeError != primary) {
                    primary.addSuppressed(closeError);
                }
                completion.completeExceptionally(primary);
            } else if (closeError != null) {
                completion.completeExceptionally(closeError);
            } else {
                completion.complete(result(closed, wallNanos));
            }
        } catch (Throwable e) {
            completion.completeExceptionally(PipelineException.wrap("pipeline failed while reporting its result", e));
        }
    }

    /**
     * Disposes a scheduler; gracefully (waiting up to {@link #DISPOSE_GRACE_MS} for queued tasks) only when asked.
     * Why not always: Reactor waits for a graceful dispose on a pool of its own whose thread is not a daemon and
     * lingers 10 s, which kept an embedding JVM alive 10 s after every run ({@code main} had returned long before).
     */
    private static void dispose(Scheduler scheduler, boolean graceful) {
        try {
            if (graceful) {
                // block(timeout) on this plain thread, not timeout(): that would park a thread of Reactor's global
                // parallel scheduler, which an embedder (or BlockHound) may count as its own.
                scheduler.disposeGracefully().block(Duration.ofMillis(DISPOSE_GRACE_MS));
            }
        } catch (Throwable e) {
            // fall through to the forced dispose
        } finally {
            scheduler.dispose();
        }
    }

    private PipelineResult result(List<StageRunner> closed, long wallNanos) {
        List<StageResult> stages = new ArrayList<>();
        stages.add(StageResult.of(sourceMetrics, List.of()));
        for (int i = 0; i < stageMetrics.size(); i++) {
            // A run stopped before its source opened started no runner: its stages have no workers to report.
            List<StageResult.WorkerResult> workers = i < closed.size() ? closed.get(i).workerResults() : List.of();
            stages.add(StageResult.of(stageMetrics.get(i), workers));
        }
        stages.add(StageResult.of(sinkMetrics, List.of()));
        SourceReader r = reader.get();
        return new PipelineResult(recordsIn.sum(), recordsOut.sum(), recordsRejected.sum(),
                r == null ? 0 : r.bytesRead(), wallNanos, stages);
    }
}
