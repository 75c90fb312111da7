package dev.hybridetl.app;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP line producer on 127.0.0.1 for the stream tests: accepts one connection, writes the header and then
 * {@code lines} deterministic records ({@link #line}) as fast as the socket takes them, then (unless told to close)
 * keeps the connection open, so the stream never ends by itself. Counts the bytes its writes have handed to the
 * socket: a write that stalls (TCP flow control) stops the count.
 */
final class StreamProducer implements AutoCloseable {
    static final String HEADER = "id,payload";
    private static final int WRITE_BYTES = 16 * 1024;

    private final ServerSocket server;
    private final Thread thread;
    private final long lines;
    private final String partialTail;
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong linesWritten = new AtomicLong();
    private final CountDownLatch allWritten = new CountDownLatch(1);
    private volatile Socket socket;
    private volatile Throwable failure;

    /**
     * @param partialTail written after the last line, without a terminator (a line the pipeline must not take), or
     *                    null
     */
    StreamProducer(long lines, String partialTail) throws IOException {
        this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.lines = lines;
        this.partialTail = partialTail;
        this.thread = new Thread(this::serve, "test-stream-producer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Record {@code i} (1-based), without its terminator: ~100 bytes. */
    static String line(long i) {
        return String.format("%09d,the quick brown fox jumps over the lazy dog %09d and again over the lazy dog", i, i);
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    int port() {
        return server.getLocalPort();
    }

    long bytesWritten() {
        return bytesWritten.get();
    }

    long linesWritten() {
        return linesWritten.get();
    }

    boolean allWritten() {
        return allWritten.getCount() == 0;
    }

    Throwable failure() {
        return failure;
    }

    private void serve() {
        try (Socket s = server.accept()) {
            socket = s;
            s.setSendBufferSize(64 * 1024);
            OutputStream out = s.getOutputStream();
            StringBuilder chunk = new StringBuilder(WRITE_BYTES + 256).append(HEADER).append('\n');
            for (long i = 1; i <= lines; i++) {
                chunk.append(line(i)).append('\n');
                if (chunk.length() >= WRITE_BYTES || i == lines) {
                    byte[] bytes = chunk.toString().getBytes(StandardCharsets.US_ASCII);
                    out.write(bytes); // blocks while the receiver does not read: TCP flow control
                    bytesWritten.addAndGet(bytes.length);
                    linesWritten.set(i);
                    chunk.setLength(0);
                }
            }
            if (partialTail != null) {
                out.write(partialTail.getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            allWritten.countDown();
            // Keep the stream open: it never ends by itself. The reader's close ends this read with -1 or an error.
            while (s.getInputStream().read() >= 0) {
                // nothing is expected from the reader
            }
        } catch (IOException e) {
            failure = e; // the pipeline closed the connection while a write was blocked: expected after a stop
        } finally {
            allWritten.countDown();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        Socket s = socket;
        if (s != null) {
            s.close();
        }
        thread.join(10_000);
    }
}
