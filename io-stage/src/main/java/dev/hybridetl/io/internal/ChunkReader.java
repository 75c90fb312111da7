package dev.hybridetl.io.internal;

import reactor.core.publisher.Mono;

/**
 * Reads an input in chunks, one read at a time. Two implementations differ in where the waiting happens: plain files
 * are read with {@code AsynchronousFileChannel} (the JDK's I/O pool does the {@code pread}), gzip files are inflated
 * by a blocking loop on the run's blocking scheduler.
 *
 * <p>Threading: {@link #read()} is never called again before the previous read has completed; it may complete on any
 * thread. {@link #close()} may be called from any thread at any time and never blocks: a read in flight closes the
 * resource itself when it ends (see {@link ReadGate}).
 */
interface ChunkReader {

    /** Reads the next chunk, or {@link Chunk#EOF} at the end. Nothing happens until subscribed. */
    Mono<Chunk> read();

    /** Bytes consumed from the file so far (compressed bytes for gzip). */
    long bytesRead();

    /** Size of the file in bytes. */
    long sizeBytes();

    /** Releases the file; idempotent, never blocks, never throws. */
    void close();
}
