package dev.hybridetl.io.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.SourceReader;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The opened file: reads chunks, frames them on the event loop, and emits batches on demand.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Threads.</b> A chunk read completes on the JDK's AIO pool (plain) or on the blocking scheduler (gzip);
 *       it is then handed to the event loop ({@code publishOn}), which alone frames. Reads are strictly sequential,
 *       so the framer has one owner at a time and every hand-off goes through Reactor's queues (happens-before).</li>
 *   <li><b>Read-ahead.</b> One step = read one chunk, then frame it. Steps are chained with {@code repeat()}: the
 *       next read starts when the previous step has been delivered, and its result waits for demand. With
 *       {@code concatMapIterable(prefetch 1)} that bounds what is held to the batches of the chunk being drained,
 *       those of one framed chunk queued, and one chunk read ahead (about 3 chunks) whatever the input size.</li>
 *   <li><b>Header.</b> {@link #readHeader()} runs steps until the header line is complete; batches framed on the way
 *       are kept and emitted first by {@link #batches()}.</li>
 *   <li><b>Release.</b> {@link #batches()} closes the file when it terminates or is cancelled; {@link #close()} is
 *       idempotent and never blocks (see {@link ReadGate}).</li>
 * </ul>
 */
final class FramingReader implements SourceReader {
    private final ChunkReader chunks;
    private final LineFramer framer;
    private final Scheduler eventLoop;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    /** Batches framed while looking for the header; written by the event loop before {@link #readHeader} ends. */
    private final List<RecordBatch> framedEarly = new ArrayList<>();
    private boolean ended;

    FramingReader(ChunkReader chunks, LineFramer framer, Scheduler eventLoop) {
        this.chunks = chunks;
        this.framer = framer;
        this.eventLoop = eventLoop;
    }

    /** Reads until the header is known (or the input ends). Closes the file if it fails or is cancelled. */
    Mono<SourceReader> readHeader() {
        return Flux.defer(this::step)
                .repeat()
                .takeUntil(step -> step.last() || framer.header() != null)
                .doOnNext(step -> {
                    framedEarly.addAll(step.batches());
                    ended = step.last();
                })
                .then(Mono.<SourceReader>fromCallable(() -> this))
                .doOnError(e -> close())
                .doOnCancel(this::close);
    }

    @Override
    public String header() {
        return framer.header();
    }

    @Override
    public Flux<RecordBatch> batches() {
        return Flux.defer(() -> {
            if (!subscribed.compareAndSet(false, true)) {
                return Flux.error(new IllegalStateException("batches() of " + this + " may be subscribed only once"));
            }
            Flux<RecordBatch> rest = ended ? Flux.empty()
                    : Flux.defer(this::step).repeat().takeUntil(Step::last).concatMapIterable(Step::batches, 1);
            return Flux.fromIterable(framedEarly).concatWith(rest).doFinally(signal -> close());
        });
    }

    /** Reads one chunk and frames it on the event loop. */
    private Mono<Step> step() {
        return chunks.read()
                .publishOn(eventLoop)
                .map(chunk -> {
                    if (chunk.isEof()) {
                        return new Step(framer.finish(), true);
                    }
                    Step step = new Step(framer.frame(chunk.bytes(), chunk.length()), false);
                    long skip = framer.takeRequestedSkip(); // a resumed read jumps to where the earlier run stopped
                    if (skip > 0) {
                        chunks.skipBeforeNextRead(skip);
                    }
                    return step;
                });
    }

    @Override
    public long bytesRead() {
        return chunks.bytesRead();
    }

    @Override
    public long sizeBytes() {
        return chunks.sizeBytes();
    }

    @Override
    public void close() {
        chunks.close();
    }

    /** What one chunk produced; {@code last} once the input has ended. */
    private record Step(List<RecordBatch> batches, boolean last) {
    }
}
