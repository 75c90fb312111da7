package dev.hybridetl.api;

import dev.hybridetl.api.spi.StageRunner;
import org.reactivestreams.Publisher;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The engine's calls into code it does not own (sources, runners, sinks), made so that whatever they throw becomes
 * a failed publisher carrying a {@link PipelineException}. Why: Reactor rethrows what it deems "JVM-fatal"
 * ({@code LinkageError}, {@code VirtualMachineError}) from inside its operators instead of signalling it, and a
 * rethrown error is a run that never ends. A {@code PipelineException} wrapping the {@link Error} travels like any
 * other failure.
 */
final class Guards {
    private Guards() {
    }

    /** Calls {@code call} (code that is not ours); whatever it throws becomes a failed publisher. */
    private static <T, P extends Publisher<T>> P call(String context, Callable<P> call,
                                                      Function<Throwable, P> onError) {
        try {
            return call.call();
        } catch (Throwable t) {
            return onError.apply(PipelineException.wrap(context, t));
        }
    }

    /**
     * A Mono from code that is not ours: whatever that code throws, or its Mono signals, fails it with a
     * {@link PipelineException} that says {@code context} (one that is already a {@code PipelineException} is kept).
     */
    static <T> Mono<T> mono(String context, Callable<Mono<T>> call) {
        return Mono.defer(() -> call(context, call, Mono::error)).onErrorMap(e -> PipelineException.wrap(context, e));
    }

    /** As {@link #mono}, for a Flux. */
    static <T> Flux<T> flux(String context, Supplier<Flux<T>> call) {
        return Flux.defer(() -> call(context, call::get, Flux::error))
                .onErrorMap(e -> PipelineException.wrap(context, e));
    }

    /** A runner's result for one batch; whatever the runner throws or signals fails it naming the stage and batch. */
    static Mono<RecordBatch> process(StageRunner runner, String stageName, RecordBatch in) {
        Mono<RecordBatch> out;
        try {
            out = runner.process(in);
        } catch (Throwable t) {
            return Mono.error(PipelineException.stageFailed(stageName, in, t));
        }
        return out.onErrorMap(e -> !(e instanceof PipelineException),
                e -> PipelineException.stageFailed(stageName, in, e));
    }

    /**
     * The error to report: concurrent failures of several batches reach the engine as one Reactor composite; the
     * first real cause is what the user needs, not "Multiple exceptions".
     */
    static PipelineException primary(Throwable error) {
        List<Throwable> all = Exceptions.unwrapMultiple(error);
        Throwable first = all.isEmpty() ? error : all.get(0);
        for (Throwable t : all) {
            if (t instanceof PipelineException) {
                first = t;
                break;
            }
        }
        PipelineException pe = PipelineException.wrap("pipeline failed", first);
        for (Throwable t : all) {
            if (t != first && t != pe) {
                pe.addSuppressed(t);
            }
        }
        return pe;
    }
}
