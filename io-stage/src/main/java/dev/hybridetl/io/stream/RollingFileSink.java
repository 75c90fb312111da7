package dev.hybridetl.io.stream;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Sink;
import dev.hybridetl.api.SinkSettings;
import dev.hybridetl.io.RejectsFormat;
import dev.hybridetl.io.internal.RejectLines;
import dev.hybridetl.io.stream.internal.RollingWriter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The sink of a stream: its records as numbered part files in a directory, a new part per size or time interval,
 * each committed atomically when it rolls (forced to disk, then renamed from a hidden temporary name), so that a
 * consumer only ever sees complete parts: {@code <prefix>-000001<extension>}, {@code -000002}, ...
 *
 * <p>Dead letters roll with the records: a part with rejects has them beside it, in
 * {@code <prefix>-NNNNNN.rejects.tsv} (or {@code .jsonl}), committed just before its part, so a reject is found next
 * to the records that were read with it.
 *
 * <p>A part rolls at the first batch end at or after {@link #withRollBytes} bytes of records, or once it has been
 * open for {@link #withRollEvery} (even if nothing more arrives), and at the end of the run (the stream ended, or
 * the run was drained by {@link dev.hybridetl.api.PipelineRun#stop()}). A failed or cancelled run removes the part
 * being written; the parts already committed stay: they are complete. Numbering continues after the highest part in
 * the directory. Empty parts are never written.
 *
 * <p>Threading: writes, forces and renames are blocking calls on the run's blocking scheduler; nothing blocks the
 * event loop. Immutable.
 */
public final class RollingFileSink implements Sink {
    /** Default roll size: 64 MiB of records. */
    public static final long DEFAULT_ROLL_BYTES = 64L * 1024 * 1024;
    /** Default roll interval: one minute. */
    public static final Duration DEFAULT_ROLL_EVERY = Duration.ofMinutes(1);
    /** Default part name prefix. */
    public static final String DEFAULT_PREFIX = "part";
    /** Default part extension. */
    public static final String DEFAULT_EXTENSION = ".jsonl";
    /** How often the roll interval is checked, at most: a tenth of it, but not more often than this. */
    private static final Duration MIN_TICK = Duration.ofMillis(10);

    private final Path directory;
    private final String prefix;
    private final String extension;
    private final long rollBytes;
    private final Duration rollEvery;
    private final RejectsFormat rejectsFormat;

    private RollingFileSink(Path directory, String prefix, String extension, long rollBytes, Duration rollEvery,
                            RejectsFormat rejectsFormat) {
        this.directory = directory;
        this.prefix = prefix;
        this.extension = extension;
        this.rollBytes = rollBytes;
        this.rollEvery = rollEvery;
        this.rejectsFormat = rejectsFormat;
    }

    /** Parts {@code part-NNNNNN.jsonl} in {@code directory} (created if missing), rolled every 64 MiB or minute. */
    public static RollingFileSink of(Path directory) {
        return new RollingFileSink(Objects.requireNonNull(directory, "directory"), DEFAULT_PREFIX, DEFAULT_EXTENSION,
                DEFAULT_ROLL_BYTES, DEFAULT_ROLL_EVERY, RejectsFormat.TSV);
    }

    /**
     * The same sink naming its parts {@code <prefix>-NNNNNN<extension>}.
     *
     * @throws IllegalArgumentException if the prefix is empty or either contains a path separator
     */
    public RollingFileSink withNames(String prefix, String extension) {
        if (prefix.isEmpty() || prefix.contains("/") || extension.contains("/")) {
            throw new IllegalArgumentException("a part name prefix must be a plain non-empty name, was '" + prefix
                    + "' with extension '" + extension + "'");
        }
        return new RollingFileSink(directory, prefix, extension, rollBytes, rollEvery, rejectsFormat);
    }

    /**
     * The same sink rolling at the first batch end at or after {@code bytes} bytes of records.
     *
     * @throws IllegalArgumentException if not positive
     */
    public RollingFileSink withRollBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("the roll size must be positive, was " + bytes);
        }
        return new RollingFileSink(directory, prefix, extension, bytes, rollEvery, rejectsFormat);
    }

    /**
     * The same sink rolling a part once it has been open for {@code interval}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public RollingFileSink withRollEvery(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the roll interval must be positive, was " + interval);
        }
        return new RollingFileSink(directory, prefix, extension, rollBytes, interval, rejectsFormat);
    }

    /** The same sink writing dead letters in {@code format}. */
    public RollingFileSink withRejectsFormat(RejectsFormat format) {
        return new RollingFileSink(directory, prefix, extension, rollBytes, rollEvery,
                Objects.requireNonNull(format, "format"));
    }

    /** The directory, as given. */
    public Path directory() {
        return directory;
    }

    @Override
    public String description() {
        return directory + "/" + prefix + "-*" + extension;
    }

    @Override
    public Mono<Void> write(Flux<RecordBatch> orderedBatches, SinkSettings settings) {
        Objects.requireNonNull(settings, "settings");
        RejectLines.Format format = rejectsFormat == RejectsFormat.JSONL ? RejectLines.Format.JSONL
                : RejectLines.Format.TSV;
        Duration tick = rollEvery.dividedBy(10).compareTo(MIN_TICK) < 0 ? MIN_TICK : rollEvery.dividedBy(10);
        return Mono.fromCallable(() -> new RollingWriter(directory, prefix, extension, format, rollBytes,
                        rollEvery.toNanos()))
                .subscribeOn(settings.blocking())
                .flatMap(writer -> {
                    Sinks.Empty<Void> written = Sinks.empty();
                    Mono<Void> writes = orderedBatches
                            .concatMap(b -> Mono.fromCallable(() -> {
                                long start = System.nanoTime();
                                writer.write(b);
                                // the summary's sink row, as FileSink's encoder counts it
                                settings.metrics().recordBatch(System.nanoTime() - start,
                                        b.size() + b.rejects().size(), b.size(), b.rejects().size());
                                return b;
                            }).subscribeOn(settings.blocking()), 1)
                            .then(Mono.fromCallable(() -> {
                                writer.finish();
                                return true;
                            }).subscribeOn(settings.blocking()))
                            .doOnSuccess(done -> written.tryEmitEmpty())
                            .then();
                    Mono<Void> rolls = Flux.interval(tick, tick, settings.blocking())
                            .onBackpressureDrop()
                            .concatMap(t -> Mono.fromCallable(() -> {
                                writer.rollIfDue();
                                return t;
                            }), 1)
                            .takeUntilOther(written.asMono())
                            .then();
                    return Mono.when(writes, rolls)
                            .doOnError(e -> writer.abort())
                            .doOnCancel(writer::abort);
                });
    }

    @Override
    public String toString() {
        return "RollingFileSink{" + description() + ", rollBytes=" + rollBytes + ", rollEvery=" + rollEvery + '}';
    }
}
