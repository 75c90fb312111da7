package dev.hybridetl.io.internal;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads an input with blocking calls on the run's blocking scheduler: gzip files (inflating is CPU work and the file
 * reads block) and inputs that cannot be read positionally (a pipe, a FIFO, {@code /dev/stdin}, a device), which
 * {@code AsynchronousFileChannel} refuses with "Illegal seek". Neither may run on the event loop.
 *
 * <p>Each {@link #read()} fills one chunk. Inflated input fills it whole (concatenated gzip members are read as one
 * stream); a plain stream returns what has arrived once at least one byte is there, so a slow producer's lines are
 * framed as they come instead of waiting for a full chunk. Streams are read through {@link PipeInputStream}.
 */
final class BlockingChunkReader implements ChunkReader {
    /** Inflater input buffer: large enough that the underlying file is read in few system calls. */
    private static final int INFLATER_BUFFER_BYTES = 64 * 1024;

    private final Path path;
    private final CountingInputStream raw;
    private final InputStream decoded;
    private final boolean gzip;
    private final int chunkBytes;
    private final long sizeBytes;
    private final Scheduler blocking;
    private final ReadGate gate;
    /** Bytes of decoded input to drop before the next read; set between reads (see {@link #skipBeforeNextRead}). */
    private long pendingSkip;

    private BlockingChunkReader(Path path, CountingInputStream raw, InputStream decoded, boolean gzip, int chunkBytes,
                                long sizeBytes, Scheduler blocking) {
        this.path = path;
        this.raw = raw;
        this.decoded = decoded;
        this.gzip = gzip;
        this.chunkBytes = chunkBytes;
        this.sizeBytes = sizeBytes;
        this.blocking = blocking;
        this.gate = new ReadGate(() -> InputFiles.closeQuietly(decoded));
    }

    /**
     * Blocking: reads the gzip header. Call on the blocking scheduler.
     *
     * @param sizeBytes the compressed size, or -1 if unknown (a stream)
     */
    static BlockingChunkReader gzip(Path path, InputStream file, int chunkBytes, long sizeBytes, Scheduler blocking)
            throws IOException {
        CountingInputStream raw = new CountingInputStream(file);
        GZIPInputStream inflated;
        try {
            inflated = new GZIPInputStream(raw, INFLATER_BUFFER_BYTES);
        } catch (IOException e) {
            InputFiles.closeQuietly(file);
            throw new IOException("input file " + path + " is not valid gzip: " + InputFiles.describe(e), e);
        }
        return new BlockingChunkReader(path, raw, inflated, true, chunkBytes, sizeBytes, blocking);
    }

    /** A plain stream of unknown length. */
    static BlockingChunkReader plain(Path path, InputStream stream, int chunkBytes, Scheduler blocking) {
        CountingInputStream raw = new CountingInputStream(stream);
        return new BlockingChunkReader(path, raw, raw, false, chunkBytes, -1, blocking);
    }

    @Override
    public Mono<Chunk> read() {
        return Mono.fromCallable(this::readBlocking).subscribeOn(blocking);
    }

    @Override
    public void skipBeforeNextRead(long bytes) {
        pendingSkip += bytes;
    }

    private Chunk readBlocking() throws IOException {
        if (!gate.enter()) {
            throw new IOException("input file " + path + " is closed");
        }
        byte[] buffer = new byte[chunkBytes];
        int n;
        try {
            if (pendingSkip > 0) {
                long skip = pendingSkip;
                pendingSkip = 0;
                discard(skip, buffer);
            }
            n = gzip ? decoded.readNBytes(buffer, 0, chunkBytes) : readAvailable(buffer);
        } catch (IOException e) {
            gate.exit();
            throw new IOException((gzip ? "cannot inflate gzip input " : "cannot read input ") + path + ": "
                    + InputFiles.describe(e), e);
        }
        if (!gate.exit()) {
            // Closed while reading: the subscriber has gone, so end quietly rather than raise an unheard error.
            return Chunk.EOF;
        }
        return n == 0 ? Chunk.EOF : new Chunk(buffer, n);
    }

    /**
     * Reads and drops {@code n} bytes. Not {@code InputStream.skip}: on a pipe that would try to seek and fail with
     * "Illegal seek".
     */
    private void discard(long n, byte[] scratch) throws IOException {
        long left = n;
        while (left > 0) {
            int got = decoded.read(scratch, 0, (int) Math.min(scratch.length, left));
            if (got < 0) {
                throw new java.io.EOFException("the input ended " + left + " bytes before the resume point");
            }
            left -= got;
        }
    }

    /** Waits for at least one byte and takes what has arrived (a pipe holds up to 64 KiB); 0 at the end. */
    private int readAvailable(byte[] buffer) throws IOException {
        int n = decoded.read(buffer, 0, buffer.length);
        return Math.max(n, 0);
    }

    @Override
    public long bytesRead() {
        return raw.count;
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public void close() {
        gate.close();
    }

    /** Counts bytes taken from the file (compressed bytes for gzip), for progress. One writer: the reading thread. */
    private static final class CountingInputStream extends FilterInputStream {
        volatile long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
