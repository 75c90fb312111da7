package dev.hybridetl.io.stream;

import dev.hybridetl.api.Source;
import dev.hybridetl.api.SourcePosition;
import dev.hybridetl.api.SourceReader;
import dev.hybridetl.api.SourceSettings;
import dev.hybridetl.io.internal.LineFramer;
import dev.hybridetl.io.stream.internal.FileFollower;
import dev.hybridetl.io.stream.internal.LinePump;
import dev.hybridetl.io.stream.internal.StreamChunk;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A growing file followed by name, as {@code tail -F} follows it, as a {@link Source} that never ends by itself: it
 * reads what is appended, survives rotation by rename (it reads the old file to its end, then the new file from its
 * start) and by truncation (it starts again at the start), until the run is stopped
 * ({@link dev.hybridetl.api.PipelineRun#stop()}). The header is the first line of the first file; the files rotated
 * in after it are all records. Records are numbered on across files.
 *
 * <p>Position and resume: after a run ends, {@link dev.hybridetl.api.PipelineRun#position()} is the file's identity
 * (device and inode), the byte offset after the last whole line committed, the next line number and the header;
 * {@link #resumingAt} continues there, in the same file if the name still names it (else at the start of the file
 * that replaced it: what the rotated file held after the position is not read). See
 * docs/decisions/0009-sources-positions-and-endless-runs.md.
 *
 * <p>Threading: the file is read by blocking calls on the run's blocking scheduler, one chunk at a time and only as
 * batches are demanded; when there is nothing new it looks again after the poll interval. Immutable.
 */
public final class FollowedFileSource implements Source {
    /** How often an idle file is looked at by default. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(200);
    /** Bytes per read (256 KiB). */
    public static final int CHUNK_BYTES = 256 * 1024;

    private final Path path;
    private final Duration pollInterval;
    private final SourcePosition from;

    private FollowedFileSource(Path path, Duration pollInterval, SourcePosition from) {
        this.path = path;
        this.pollInterval = pollInterval;
        this.from = from;
    }

    /** Follows {@code path} from its start. The file is not touched until {@link #open}. */
    public static FollowedFileSource of(Path path) {
        return new FollowedFileSource(Objects.requireNonNull(path, "path"), DEFAULT_POLL_INTERVAL, null);
    }

    /**
     * The same source looking at an idle file every {@code interval}.
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public FollowedFileSource withPollInterval(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the poll interval must be positive, was " + interval);
        }
        return new FollowedFileSource(path, interval, from);
    }

    /** The same source continuing a read at {@code position} (from an earlier run's {@code PipelineRun.position()}). */
    public FollowedFileSource resumingAt(SourcePosition position) {
        return new FollowedFileSource(path, pollInterval, Objects.requireNonNull(position, "position"));
    }

    /** The path, as given. */
    @Override
    public String description() {
        return path.toString();
    }

    /**
     * Opens the file on the blocking scheduler and reads its header (or takes the resume position's). Never blocks
     * the calling thread.
     *
     * @return a Mono of the reader, completing once the header is read (so not before the file has a first line); it
     *     fails with an {@link java.io.IOException} naming the path if the file is missing, unreadable or a directory
     */
    @Override
    public Mono<SourceReader> open(SourceSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return Mono.fromCallable(() -> FileFollower.open(path, CHUNK_BYTES, from))
                .subscribeOn(settings.blocking())
                .flatMap(follower -> {
                    LineFramer framer = LineFramer.forStream(settings.batchBytes(), settings.maxRecordBytes(),
                            settings.metrics(), from == null ? null : from.header(),
                            from == null ? 1 : from.nextRecord());
                    LinePump pump = new LinePump(framer, settings.maxRecordBytes(), true, settings.eventLoop(),
                            follower::close);
                    Mono<StreamChunk> next = Mono.fromCallable(follower::read).subscribeOn(settings.blocking())
                            .switchIfEmpty(Mono.delay(pollInterval, settings.blocking()).then(Mono.empty()));
                    Flux<StreamChunk> chunks = next.repeat();
                    return pump.open(chunks).doOnError(e -> follower.close());
                });
    }

    @Override
    public String toString() {
        return "FollowedFileSource{" + path + ", pollInterval=" + pollInterval + '}';
    }
}
