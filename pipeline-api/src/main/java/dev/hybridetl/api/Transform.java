package dev.hybridetl.api;

/**
 * A CPU-bound step of a pipeline: turns a batch of records into output records and rejects.
 *
 * <p>Lifecycle, in the thread or process where the transform is placed: {@link #open} once, then
 * {@link #process} for each batch, then {@link #close()}. One instance is only ever called by one thread at a time,
 * so implementations need no locking; a placement with N workers creates N instances.
 *
 * <p>Per-record problems are rejects ({@link RecordBatchBuilder#reject}); the run continues. An exception thrown from
 * {@code process} fails the whole batch and the run, with an error that names the stage and the batch.
 *
 * <p>To run in a worker process a transform must be created from its plugin id: see {@link TransformProvider}.
 */
public interface Transform extends AutoCloseable {

    /**
     * Prepares the transform: read configuration, load reference data. May block (it never runs on an event loop).
     *
     * @throws Exception if the configuration is invalid or reference data cannot be loaded; the run fails with it
     */
    default void open(TransformContext context) throws Exception {
    }

    /**
     * Transforms one batch. Writes each output record, and each reject, to {@code out}; the output batch keeps the
     * input's sequence number. Output records must not contain line breaks when the sink is line-oriented.
     */
    void process(RecordBatch in, RecordBatchBuilder out) throws Exception;

    /** Releases what {@link #open} acquired. */
    @Override
    default void close() throws Exception {
    }
}
