package dev.hybridetl.io.internal;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Inflates a gzip file with a blocking {@link GZIPInputStream} loop on the run's blocking scheduler: inflating is CPU
 * work and the file reads block, so neither may run on the event loop. Each {@link #read()} fills one chunk of
 * decompressed bytes; concatenated gzip members are read as one stream.
 */
final class GzipChunkReader implements ChunkReader {
    /** Inflater input buffer: large enough that the underlying file is read in few system calls. */
    private static final int INFLATER_BUFFER_BYTES = 64 * 1024;

    private final Path path;
    private final CountingInputStream compressed;
    private final GZIPInputStream inflated;
    private final int chunkBytes;
    private final long sizeBytes;
    private final Scheduler blocking;
    private final ReadGate gate;

    /** Blocking: reads the gzip header. Call on the blocking scheduler. */
    GzipChunkReader(Path path, InputStream file, int chunkBytes, long sizeBytes, Scheduler blocking)
            throws IOException {
        this.path = path;
        this.compressed = new CountingInputStream(file);
        try {
            this.inflated = new GZIPInputStream(compressed, INFLATER_BUFFER_BYTES);
        } catch (IOException e) {
            InputFiles.closeQuietly(file);
            throw new IOException("input file " + path + " is not valid gzip: " + InputFiles.describe(e), e);
        }
        this.chunkBytes = chunkBytes;
        this.sizeBytes = sizeBytes;
        this.blocking = blocking;
        this.gate = new ReadGate(() -> InputFiles.closeQuietly(inflated));
    }

    @Override
    public Mono<Chunk> read() {
        return Mono.fromCallable(this::readBlocking).subscribeOn(blocking);
    }

    private Chunk readBlocking() throws IOException {
        if (!gate.enter()) {
            throw new IOException("input file " + path + " is closed");
        }
        byte[] buffer = new byte[chunkBytes];
        int n;
        try {
            n = inflated.readNBytes(buffer, 0, chunkBytes);
        } catch (IOException e) {
            gate.exit();
            throw new IOException("cannot inflate gzip input " + path + ": " + InputFiles.describe(e), e);
        }
        if (!gate.exit()) {
            // Closed while inflating: the subscriber has gone, so end quietly rather than raise an unheard error.
            return Chunk.EOF;
        }
        return n == 0 ? Chunk.EOF : new Chunk(buffer, n);
    }

    @Override
    public long bytesRead() {
        return compressed.count;
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public void close() {
        gate.close();
    }

    /** Counts compressed bytes handed to the inflater, for progress. One writer: the reading thread. */
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
