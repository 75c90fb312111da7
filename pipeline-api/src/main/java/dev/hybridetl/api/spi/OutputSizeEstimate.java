package dev.hybridetl.api.spi;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;

/**
 * Sizes a transform's next output batch from what its last batch produced, so that the
 * {@link RecordBatchBuilder} does not grow by doubling: growing left garbage of about the output's size per batch,
 * and output batches big enough to be G1 humongous allocations made the heap grow (measured with flights-enrich).
 *
 * <p>Not thread-safe: one per transform instance, used by the thread that runs it.
 */
public final class OutputSizeEstimate {
    /** Never presize more than this, whatever a past batch suggested. */
    private static final long MAX_PRESIZE_BYTES = 1L << 26;

    private double outputBytesPerInputByte = 1.0;

    /** A builder for the output of {@code in}, sized from the last output/input ratio plus 5% and 1 KiB of slack. */
    public RecordBatchBuilder builderFor(RecordBatch in) {
        long expected = (long) (in.recordBytes() * outputBytesPerInputByte * 1.05) + 1024;
        return RecordBatch.builder(in.sequence(), (int) Math.min(MAX_PRESIZE_BYTES, expected), in.size());
    }

    /** Learns the ratio of {@code out} to {@code in} for the next batch. */
    public void learn(RecordBatch in, RecordBatch out) {
        if (in.recordBytes() > 0) {
            outputBytesPerInputByte = (double) out.recordBytes() / in.recordBytes();
        }
    }
}
