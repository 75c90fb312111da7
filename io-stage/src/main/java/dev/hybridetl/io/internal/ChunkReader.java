package dev.hybridetl.io.internal;

import reactor.core.publisher.Mono;

/**
 * Reads an input in chunks, one read at a time. Two implementations differ in where the waiting happens: plain
 * regular files are read with {@code AsynchronousFileChannel} (a private I/O thread does the {@code pread}); gzip
 * files and inputs that cannot be read positionally (pipes, FIFOs, devices) are read by a blocking loop on the run's
 * blocking scheduler.
 *
 * <p>Threading: {@link #read()} is never called again before the previous read has completed; it may complete on any
 * thread. {@link #close()} may be called from any thread at any time and never blocks: a read in flight closes the
 * resource itself when it ends (see {@link ReadGate}).
 */
interface ChunkReader {

    /** Reads the next chunk, or {@link Chunk#EOF} at the end. Nothing happens until subscribed. */
    Mono<Chunk> read();

    /**
     * Makes the next {@link #read()} start {@code bytes} further on (decompressed bytes for gzip): a resumed run
     * jumps over what an earlier run already wrote. Called between reads, never while one is in flight; never blocks.
     */
    void skipBeforeNextRead(long bytes);

    /** Bytes consumed from the file so far (compressed bytes for gzip). */
    long bytesRead();

    /** Size of the file in bytes, or -1 if unknown (a stream). */
    long sizeBytes();

    /** Releases the file; idempotent, never blocks, never throws. */
    void close();
}
