package dev.hybridetl.api;

/**
 * A run failed: the message says which stage, which batch (and its line range) and why.
 */
public class PipelineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PipelineException(String message, Throwable cause) {
        super(message, cause);
    }

    public PipelineException(String message) {
        super(message);
    }

    /** Builds the error for a transform that failed on a whole batch. */
    public static PipelineException stageFailed(String stageName, RecordBatch batch, Throwable cause) {
        return new PipelineException("stage '" + stageName + "' failed on batch " + batch.sequence() + " ("
                + lines(batch) + "): " + describe(cause), cause);
    }

    /** The batch's line range, {@code lines 2..2001}, as errors and warnings name it. */
    static String lines(RecordBatch batch) {
        return batch.size() == 0 ? "no records"
                : "lines " + batch.position(0) + ".." + batch.position(batch.size() - 1);
    }

    /**
     * Builds the error for a batch that failed somewhere the exception cannot travel from (a worker process): the
     * {@code cause} text is all there is.
     */
    public static PipelineException stageFailed(String stageName, RecordBatch batch, String where, String cause) {
        return new PipelineException("stage '" + stageName + "' failed on batch " + batch.sequence() + " ("
                + lines(batch) + ") in " + where + ": " + cause);
    }

    /**
     * {@code t} itself if it is a {@code PipelineException}, otherwise one that says {@code context: cause}. Any
     * {@link Throwable} (an {@link Error} too) becomes an ordinary exception here, so that Reactor, which rethrows
     * "JVM-fatal" errors instead of signalling them, delivers it like any other failure.
     */
    public static PipelineException wrap(String context, Throwable t) {
        return t instanceof PipelineException pe ? pe : new PipelineException(context + ": " + describe(t), t);
    }

    /** {@code Type: message}, or the class name where there is no message: one line for a summary. */
    public static String describe(Throwable t) {
        String msg = t.getMessage();
        return msg == null || msg.isBlank() ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + msg;
    }
}
