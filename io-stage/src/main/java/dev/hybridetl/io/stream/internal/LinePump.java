package dev.hybridetl.io.stream.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.SourcePosition;
import dev.hybridetl.api.SourceReader;
import dev.hybridetl.io.internal.LineFramer;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The reader of a never-ending line stream: pulls chunks of bytes one at a time, only when its batches are
 * demanded, frames whole lines into batches, and ends on {@link #stop()} with the whole lines it holds.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Read on demand.</b> One chunk is requested from upstream at a time, and only while the batches framed
 *       so far have all been taken and downstream wants more (or the header is still incomplete). A socket's
 *       upstream then stops reading, its receive buffer fills and TCP flow control stalls the producer: memory is
 *       one chunk, the partial line and the batches downstream asked for, whatever the producer does.</li>
 *   <li><b>Whole lines only.</b> The bytes after the last line terminator of a chunk wait for the next chunk: they
 *       are not a record yet. So a stop can end the batches at once, with every record complete; the partial line
 *       is left unread. A line longer than {@code maxRecordBytes} goes to the framer as it arrives, which rejects it
 *       (record_too_long) without storing it.</li>
 *   <li><b>Threads.</b> Upstream signals arrive on its thread (Netty's event loop, the run's blocking pool);
 *       downstream requests from any thread. All state is guarded by this object's monitor, held only for framing
 *       and hand-offs, never across a blocking call; a re-entrant {@link #drain()} is turned into another turn of
 *       the loop already running.</li>
 *   <li><b>Linger.</b> A batch closes when it is full, or {@value #LINGER_MS} ms after its first line (the wait
 *       Kafka producers call linger): a stream that goes quiet does not hold its last lines back, and a fast one
 *       still fills its batches.</li>
 * </ul>
 */
public final class LinePump extends BaseSubscriber<StreamChunk> implements SourceReader {
    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final byte[] END_OF_LINE = {LF};
    /** The longest a framed line waits in a batch that is not full. */
    static final long LINGER_MS = 100;

    private final LineFramer framer;
    private final int maxRecordBytes;
    private final boolean resumable;
    private final Runnable onClose;
    private final Scheduler timer;
    /** Batches the framer has closed; a linger flush applies only to the batch open when it was scheduled. */
    private long batchesClosed;
    private boolean lingerScheduled;
    private final ArrayDeque<RecordBatch> ready = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private byte[] tail = new byte[0];
    private String resource = "";
    private long framedOffset;
    private long bytesRead;
    private boolean chunkRequested;
    private boolean upstreamDone;
    private Throwable failure;
    private boolean stopped;
    private boolean draining;
    private boolean again;
    private MonoSink<SourceReader> opening;
    private FluxSink<RecordBatch> downstream;
    private boolean batchesTaken;
    private boolean tailFlushed;

    /**
     * @param resumable whether {@link #position()} means anything (a followed file) or not (a socket)
     * @param timer where linger flushes are scheduled (the run's event loop)
     * @param onClose releases the resource behind the chunks (a connection, a file); called once
     */
    public LinePump(LineFramer framer, int maxRecordBytes, boolean resumable, Scheduler timer, Runnable onClose) {
        this.framer = framer;
        this.timer = timer;
        this.maxRecordBytes = maxRecordBytes;
        this.resumable = resumable;
        this.onClose = onClose;
    }

    /** Subscribes to {@code chunks} and completes once the header is read (at once when it is known). */
    public Mono<SourceReader> open(Flux<StreamChunk> chunks) {
        return Mono.<SourceReader>create(sink -> {
            synchronized (this) {
                opening = sink;
            }
            sink.onCancel(this::close);
            chunks.subscribe(this);
        });
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
        drain();
    }

    @Override
    protected void hookOnNext(StreamChunk chunk) {
        synchronized (this) {
            chunkRequested = false;
            if (!stopped) {
                frame(chunk);
            }
        }
        drain();
    }

    @Override
    protected void hookOnComplete() {
        synchronized (this) {
            upstreamDone = true;
        }
        drain();
    }

    @Override
    protected void hookOnError(Throwable error) {
        synchronized (this) {
            upstreamDone = true;
            failure = error;
        }
        drain();
    }

    private void frame(StreamChunk chunk) {
        bytesRead += chunk.bytes().length;
        byte[] bytes = tail.length == 0 ? chunk.bytes() : concat(tail, chunk.bytes());
        int whole = lastLineEnd(bytes) + 1;
        if (bytes.length - whole > maxRecordBytes) {
            whole = bytes.length; // a line too long to hold: the framer rejects it as it goes
        }
        add(framer.frame(bytes, whole));
        tail = whole == bytes.length ? new byte[0] : Arrays.copyOfRange(bytes, whole, bytes.length);
        if (chunk.endsResource() && tail.length > 0) {
            add(framer.frame(tail, tail.length));
            add(framer.frame(END_OF_LINE, 1)); // a rotated file's last line ends with the file
            tail = new byte[0];
        }
        resource = chunk.resource();
        framedOffset = chunk.endOffset() - tail.length;
        if (!lingerScheduled) {
            scheduleLinger();
        }
    }

    private void scheduleLinger() {
        if (framer.header() == null || !framer.holdsRecords()) {
            return;
        }
        lingerScheduled = true;
        long open = batchesClosed;
        try {
            timer.schedule(() -> linger(open), LINGER_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException runIsOver) {
            lingerScheduled = false;
        }
    }

    private void add(List<RecordBatch> batches) {
        batchesClosed += batches.size();
        ready.addAll(batches);
    }

    /** The linger time of the batch that was open at {@code open} closed batches is up: close it if still open. */
    private void linger(long open) {
        synchronized (this) {
            lingerScheduled = false;
            if (stopped || upstreamDone) {
                return;
            }
            if (batchesClosed == open) {
                add(framer.flush());
            } else {
                scheduleLinger(); // a newer batch is open: it gets its own linger time
            }
        }
        drain();
    }

    private static int lastLineEnd(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == LF || bytes[i] == CR) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Hands out what is ready, completes the open or the batches when due, and asks for a chunk when needed. */
    private void drain() {
        synchronized (this) {
            if (draining) {
                again = true;
                return;
            }
            draining = true;
            try {
                do {
                    again = false;
                    turn();
                } while (again);
            } finally {
                draining = false;
            }
        }
    }

    private void turn() {
        if (opening != null) {
            if (failure != null) {
                MonoSink<SourceReader> sink = opening;
                opening = null;
                sink.error(failure);
                return;
            }
            if (framer.header() == null && upstreamDone) {
                ready.addAll(framer.finish()); // an empty stream: header ""
            }
            if (framer.header() != null) {
                MonoSink<SourceReader> sink = opening;
                opening = null;
                sink.success(this);
            } else {
                requestChunk();
            }
            return;
        }
        if (downstream == null) {
            return; // batches() not subscribed yet: read no further
        }
        while (!ready.isEmpty() && downstream.requestedFromDownstream() > 0) {
            downstream.next(ready.poll());
        }
        if (!ready.isEmpty()) {
            return;
        }
        if (failure != null && !stopped) {
            downstream.error(failure);
            downstream = null;
        } else if (upstreamDone || stopped) {
            if (!tailFlushed) {
                tailFlushed = true;
                if (upstreamDone && !stopped && tail.length > 0) {
                    ready.addAll(framer.frame(tail, tail.length)); // the stream ended: its last line is whole
                    framedOffset += tail.length;
                    tail = new byte[0];
                }
                ready.addAll(framer.finish());
                again = true;
                return;
            }
            downstream.complete();
            downstream = null;
        } else if (downstream.requestedFromDownstream() > 0) {
            requestChunk();
        }
    }

    private void requestChunk() {
        if (!chunkRequested && !upstreamDone && upstream() != null) {
            chunkRequested = true;
            request(1);
        }
    }

    @Override
    public String header() {
        return framer.header();
    }

    @Override
    public Flux<RecordBatch> batches() {
        return Flux.create(sink -> {
            synchronized (this) {
                if (batchesTaken) {
                    sink.error(new IllegalStateException("batches() may be subscribed once"));
                    return;
                }
                batchesTaken = true;
                downstream = sink;
            }
            sink.onRequest(n -> drain());
            sink.onCancel(this::cancel);
            drain();
        }, FluxSink.OverflowStrategy.ERROR);
    }

    @Override
    public synchronized long bytesRead() {
        return bytesRead;
    }

    @Override
    public long sizeBytes() {
        return -1;
    }

    @Override
    public boolean unbounded() {
        return true;
    }

    /** Stops reading: the batches end with the whole lines read so far; the partial line is left unread. */
    @Override
    public boolean stop() {
        synchronized (this) {
            stopped = true;
        }
        cancel(); // no more chunks: the socket or file is left alone from here
        drain();
        return true;
    }

    @Override
    public synchronized Optional<SourcePosition> position() {
        if (!resumable || framer.header() == null) {
            return Optional.empty();
        }
        return Optional.of(new SourcePosition(resource, framedOffset, framer.nextLine(), framer.header()));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            cancel();
            try {
                onClose.run();
            } catch (RuntimeException ignored) {
                // close never throws
            }
        }
    }

    @Override
    public String toString() {
        return "LinePump{" + resource + ", bytesRead=" + bytesRead + '}';
    }
}
