package dev.hybridetl.api.spi;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.StageResult;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * Runs one stage's transforms on its placement (a thread pool, worker processes, ...). Created by a
 * {@link StageRunnerFactory} for one run and closed at its end.
 *
 * <p>Threading: {@link #process} may be called from any thread, concurrently, up to the pipeline's in-flight window;
 * it must not block the caller. The runner keeps each transform instance on one thread at a time.
 */
public interface StageRunner extends AutoCloseable {

    /**
     * Transforms one batch. The returned Mono emits the output batch (same sequence number, containing only the
     * stage's own rejects) or fails; it may complete on any thread.
     */
    Mono<RecordBatch> process(RecordBatch batch);

    /** Per-worker figures for the run summary; may be called after {@link #close()}. */
    List<StageResult.WorkerResult> workerResults();

    /**
     * Stops every worker and releases every resource (threads, processes, files). Blocks until done; idempotent;
     * must also work after a failure or a cancel.
     */
    @Override
    void close();
}
