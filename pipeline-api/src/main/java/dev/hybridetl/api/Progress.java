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
 */
public record Progress(long recordsIn, long recordsOut, long recordsRejected, long bytesRead, long sizeBytes,
                       long elapsedNanos) {
}
