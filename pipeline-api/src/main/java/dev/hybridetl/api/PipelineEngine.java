package dev.hybridetl.api;

import dev.hybridetl.api.spi.StageRunner;
import dev.hybridetl.api.spi.StageRunnerContext;
import dev.hybridetl.api.spi.StageRunnerFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
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
 * </ul>
 */
final class PipelineEngine {
    private final Pipeline pipeline;
    private final long startNanos = System.nanoTime();
    private final Scheduler eventLoop = Schedulers.newSingle("etl-event-loop", true);
    private final Scheduler blocking = Schedulers.newBoundedElastic(4, 1024, "etl-blocking", 10, true);
    private final StageMetrics sourceMetrics;
    private final List<StageMetrics> stageMetrics = new ArrayList<>();
    private final StageMetrics sinkMetrics;
    private final LongAdder recordsIn = new LongAdder();
    private final LongAdder recordsOut = new LongAdder();
    private final LongAdder recordsRejected = new LongAdder();
    /** Micrometer mirrors of the adders: cumulative across runs that share a registry. */
    private final Counter inCounter;
    private final Counter outCounter;
    private final Counter rejectedCounter;
    private final AtomicReference<SourceReader> reader = new AtomicReference<>();
    private final Object runnersLock = new Object();
    private final List<StageRunner> runners = new ArrayList<>();
    private boolean closing;
    private final AtomicBoolean cleanupStarted = new AtomicBoolean();
    private final CompletableFuture<PipelineResult> completion = new CompletableFuture<>();
    private volatile Disposable subscription;

    private PipelineEngine(Pipeline pipeline) {
        this.pipeline = pipeline;
        this.sourceMetrics = new StageMetrics("source", "source", pipeline.registry);
        for (Stage stage : pipeline.stages) {
            stageMetrics.add(new StageMetrics(stage.name(), stage.placement().cliName(), pipeline.registry));
        }
        this.sinkMetrics = new StageMetrics("sink", "sink", pipeline.registry);
        this.inCounter = recordsCounter(pipeline.registry, "in");
        this.outCounter = recordsCounter(pipeline.registry, "out");
        this.rejectedCounter = recordsCounter(pipeline.registry, "rejected");
    }

    private static Counter recordsCounter(MeterRegistry registry, String kind) {
        return Counter.builder("etl.records").description("records read, written and rejected")
                .tag("kind", kind).register(registry);
    }

    static PipelineRun start(Pipeline pipeline) {
        PipelineEngine engine = new PipelineEngine(pipeline);
        engine.subscribe();
        return new PipelineRun(engine.completion, engine::cancel, engine::progress);
    }

    private void subscribe() {
        SourceSettings sourceSettings = new SourceSettings(pipeline.batchBytes, pipeline.maxRecordBytes, eventLoop,
                blocking, sourceMetrics);
        Mono<Void> flow = Mono.defer(() -> pipeline.source.open(sourceSettings))
                .onErrorMap(e -> !(e instanceof PipelineException),
                        e -> new PipelineException("cannot read " + pipeline.source.description() + ": "
                                + PipelineException.describe(e), e))
                .flatMap(r -> {
                    reader.set(r);
                    return Mono.fromCallable(() -> startRunners(r.header())).subscribeOn(blocking)
                            .flatMap(started -> pipeline.sink.write(chain(r.batches(), started),
                                    new SinkSettings(eventLoop, blocking, sinkMetrics)));
                });
        subscription = flow.subscribe(null, error -> cleanup(error), () -> cleanup(null));
    }

    private Flux<RecordBatch> chain(Flux<RecordBatch> batches, List<StageRunner> started) {
        Flux<RecordBatch> flow = batches.doOnNext(b -> {
            int n = b.size() + b.rejects().size();
            recordsIn.add(n);
            inCounter.increment(n);
        });
        for (int i = 0; i < started.size(); i++) {
            StageRunner runner = started.get(i);
            String name = pipeline.stages.get(i).name();
            flow = flow.flatMapSequential(in -> runner.process(in)
                            .map(out -> out.withEarlierRejects(in.rejects()))
                            .onErrorMap(e -> !(e instanceof PipelineException),
                                    e -> PipelineException.stageFailed(name, in, e)),
                    pipeline.maxInFlightBatches, 1);
        }
        return flow.publishOn(eventLoop, 2)
                .doOnNext(b -> {
                    recordsOut.add(b.size());
                    recordsRejected.add(b.rejects().size());
                    outCounter.increment(b.size());
                    rejectedCounter.increment(b.rejects().size());
                });
    }

    /** Starts every stage's runner; blocking, so it runs on the blocking scheduler. */
    private List<StageRunner> startRunners(String header) throws Exception {
        Map<Placement, StageRunnerFactory> factories = factories();
        List<StageRunner> started = new ArrayList<>();
        for (int i = 0; i < pipeline.stages.size(); i++) {
            Stage stage = pipeline.stages.get(i);
            StageRunnerFactory factory = factories.get(stage.placement());
            if (factory == null) {
                throw new PipelineException("no runner for placement '" + stage.placement().cliName()
                        + "' on the class path (is the cpu-stage module missing?)");
            }
            StageRunner runner;
            try {
                runner = factory.start(new StageRunnerContext(stage, i, header, pipeline.maxInFlightBatches,
                        stageMetrics.get(i), pipeline.processSettings, pipeline.registry));
            } catch (PipelineException e) {
                throw e;
            } catch (Exception e) {
                throw new PipelineException("stage '" + stage.name() + "' failed to start: "
                        + PipelineException.describe(e), e);
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

    private static Map<Placement, StageRunnerFactory> factories() {
        Map<Placement, StageRunnerFactory> byPlacement = new EnumMap<>(Placement.class);
        for (StageRunnerFactory f : ServiceLoader.load(StageRunnerFactory.class, PipelineEngine.class.getClassLoader())) {
            byPlacement.putIfAbsent(f.placement(), f);
        }
        return byPlacement;
    }

    private void cancel() {
        Disposable d = subscription;
        if (d != null) {
            d.dispose();
        }
        cleanup(new PipelineException("pipeline was cancelled"));
    }

    private Progress progress() {
        SourceReader r = reader.get();
        return new Progress(recordsIn.sum(), recordsOut.sum(), recordsRejected.sum(), r == null ? 0 : r.bytesRead(),
                r == null ? -1 : r.sizeBytes(), System.nanoTime() - startNanos);
    }

    /** Runs once: releases everything on a fresh thread (it blocks), then completes the future. */
    private void cleanup(Throwable error) {
        if (!cleanupStarted.compareAndSet(false, true)) {
            return;
        }
        long wallNanos = System.nanoTime() - startNanos;
        Thread t = new Thread(() -> {
            List<StageRunner> toClose;
            synchronized (runnersLock) {
                closing = true;
                toClose = new ArrayList<>(runners);
            }
            Throwable closeError = null;
            for (StageRunner runner : toClose) {
                try {
                    runner.close();
                } catch (RuntimeException e) {
                    closeError = closeError == null ? e : closeError;
                }
            }
            SourceReader r = reader.get();
            if (r != null) {
                r.close();
            }
            // Gracefully: a sink's clean-up of its temp files may still be queued on these schedulers after a cancel.
            disposeGracefully(eventLoop);
            disposeGracefully(blocking);
            if (error != null) {
                completion.completeExceptionally(error instanceof PipelineException ? error
                        : new PipelineException("pipeline failed: " + PipelineException.describe(error), error));
            } else if (closeError != null) {
                completion.completeExceptionally(new PipelineException("stopping a stage failed: "
                        + PipelineException.describe(closeError), closeError));
            } else {
                completion.complete(result(toClose, wallNanos));
            }
        }, "etl-cleanup");
        t.setDaemon(false);
        t.start();
    }

    private static void disposeGracefully(Scheduler scheduler) {
        try {
            scheduler.disposeGracefully().block(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            scheduler.dispose();
        }
    }

    private PipelineResult result(List<StageRunner> closed, long wallNanos) {
        List<StageResult> stages = new ArrayList<>();
        stages.add(StageResult.of(sourceMetrics, List.of()));
        for (int i = 0; i < stageMetrics.size(); i++) {
            stages.add(StageResult.of(stageMetrics.get(i), closed.get(i).workerResults()));
        }
        stages.add(StageResult.of(sinkMetrics, List.of()));
        SourceReader r = reader.get();
        return new PipelineResult(recordsIn.sum(), recordsOut.sum(), recordsRejected.sum(),
                r == null ? 0 : r.bytesRead(), wallNanos, stages);
    }
}
