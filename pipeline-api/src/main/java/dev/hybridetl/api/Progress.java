package dev.hybridetl.api;

/**
 * A snapshot of a running pipeline, for progress bars and monitoring.
 *
 * @param recordsIn records read so far
 * @param recordsOut records handed to the sink so far
 * @param recordsRejected rejects handed to the sink so far
 * @param bytesRead bytes consumed from the source
 * @param sizeBytes the source's size in bytes, or -1 if unknown
 * @param elapsedNanos time since the run started
 * @param unbounded true if the source never ends by itself (a stream): there is a rate, never an ETA
 */
public record Progress(long recordsIn, long recordsOut, long recordsRejected, long bytesRead, long sizeBytes,
                       long elapsedNanos, boolean unbounded) {

    /** Records read per second since the start (0 before any time has passed). */
    public double recordsPerSecond() {
        return elapsedNanos <= 0 ? 0 : recordsIn * 1e9 / elapsedNanos;
    }

    /**
     * Estimated time to the end at the rate so far, in nanoseconds, or -1 when there is no end to estimate: an
     * unbounded source, an unknown size, or nothing read yet.
     */
    public long etaNanos() {
        if (unbounded || sizeBytes < 0 || bytesRead <= 0) {
            return -1;
        }
        return (long) ((double) (sizeBytes - bytesRead) * elapsedNanos / bytesRead);
    }
}
