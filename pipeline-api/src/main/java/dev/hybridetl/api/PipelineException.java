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
        String lines = batch.size() == 0 ? "no records"
                : "lines " + batch.position(0) + ".." + batch.position(batch.size() - 1);
        return new PipelineException("stage '" + stageName + "' failed on batch " + batch.sequence() + " (" + lines
                + "): " + describe(cause), cause);
    }

    static String describe(Throwable t) {
        String msg = t.getMessage();
        return msg == null || msg.isBlank() ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + msg;
    }
}
