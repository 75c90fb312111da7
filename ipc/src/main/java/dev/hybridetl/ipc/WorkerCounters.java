package dev.hybridetl.ipc;

import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The telemetry counters of one stage's workers in shared memory: one block of {@link Field}s per worker index,
 * written by that worker's JVM and read by the pipeline (which exposes them as Micrometer meters). Agrona's
 * {@link CountersManager} layout over a memory-mapped file of its own ({@code counters} in the stage directory),
 * so any Agrona tool that reads a counters file can read it too.
 *
 * <p>Layout (offsets in bytes):
 * <pre>
 *      0 +------------------+------------------+------------------+------------------+
 *        | magic i32        | version i32      | workers i32      | fields i32       |
 *    128 +------------------+------------------+------------------+------------------+
 *        | values: workers x fields x 128 bytes (Agrona counter records; value i64 first)|
 *        +--------------------------------------------------------------------------+
 *        | metadata: workers x fields x 512 bytes (state, type id = field, label)   |
 *        +--------------------------------------------------------------------------+
 * </pre>
 * Counter id {@code worker * fields + field.ordinal()}. The pipeline allocates every counter when it creates the
 * file, before any worker starts; a worker only maps the file and writes its own block (one writer per counter).
 * Counters outlive a worker's restarts: a replacement continues from its predecessor's values.
 *
 * <p>Thread-safe: values are written with release semantics and read with volatile reads; {@link #value} and
 * {@link #close} are serialised so that no read touches an unmapped file.
 */
public final class WorkerCounters implements AutoCloseable {
    /** What each worker publishes; the ordinal is the counter's offset in the worker's block and its type id. */
    public enum Field {
        /** Batches transformed (cumulative). */
        BATCHES,
        /** Records read from input batches (cumulative). */
        RECORDS_IN,
        /** Records written to results (cumulative). */
        RECORDS_OUT,
        /** Nanoseconds spent inside the transform (cumulative). */
        BUSY_NS,
        /** Garbage collections of this worker position's JVMs (cumulative over incarnations). */
        GC_COUNT,
        /** Milliseconds spent in garbage collection (cumulative over incarnations). */
        GC_TIME_MS,
        /** Heap bytes in use at the last sample. */
        HEAP_USED_BYTES,
        /** JVMs started at this position that got as far as mapping this file. */
        STARTS,
        /** Epoch milliseconds of the worker's last sample. */
        HEARTBEAT_MS
    }

    private static final int MAGIC = 0x57434e54; // "WCNT"
    private static final int VERSION = 1;
    private static final int MAGIC_OFFSET = 0;
    private static final int VERSION_OFFSET = 4;
    private static final int WORKERS_OFFSET = 8;
    private static final int FIELDS_OFFSET = 12;
    private static final int HEADER_BYTES = 128;
    private static final int FIELDS = Field.values().length;

    private final MappedByteBuffer mapped;
    private final int workers;
    private final AtomicBuffer values;
    private final CountersReader reader;
    private boolean closed;

    private WorkerCounters(MappedByteBuffer mapped) {
        this.mapped = mapped;
        UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_BYTES);
        if (header.getIntVolatile(MAGIC_OFFSET) != MAGIC || header.getInt(VERSION_OFFSET) != VERSION
                || header.getInt(FIELDS_OFFSET) != FIELDS) {
            IoUtil.unmap(mapped);
            throw new IllegalStateException("not a worker counters file of this version");
        }
        this.workers = header.getInt(WORKERS_OFFSET);
        int valuesBytes = workers * FIELDS * CountersReader.COUNTER_LENGTH;
        this.values = new UnsafeBuffer(mapped, HEADER_BYTES, valuesBytes);
        AtomicBuffer metadata = new UnsafeBuffer(mapped, HEADER_BYTES + valuesBytes,
                workers * FIELDS * CountersReader.METADATA_LENGTH);
        this.reader = new CountersReader(metadata, values, StandardCharsets.US_ASCII);
    }

    /** The counters file of a stage directory. */
    public static Path file(Path stageDir) {
        return stageDir.resolve("counters");
    }

    /**
     * Creates the file (owner-only permissions where the file system has them), allocates every worker's counters
     * with labels naming the stage, worker and field, and maps it.
     *
     * @throws IllegalArgumentException if {@code workers} is not positive
     */
    public static WorkerCounters create(Path file, String stageName, int workers) throws IOException {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be positive, was " + workers);
        }
        int valuesBytes = workers * FIELDS * CountersReader.COUNTER_LENGTH;
        int metadataBytes = workers * FIELDS * CountersReader.METADATA_LENGTH;
        MappedByteBuffer mapped = QueueDirectory.createMapped(file, (long) HEADER_BYTES + valuesBytes + metadataBytes,
                "counters");
        CountersManager manager = new CountersManager(new UnsafeBuffer(mapped, HEADER_BYTES + valuesBytes,
                metadataBytes), new UnsafeBuffer(mapped, HEADER_BYTES, valuesBytes), StandardCharsets.US_ASCII);
        for (int w = 0; w < workers; w++) {
            for (Field f : Field.values()) {
                String label = "stage " + stageName + " worker " + w + " " + f.name().toLowerCase();
                manager.allocate(label.length() > CountersReader.MAX_LABEL_LENGTH
                        ? label.substring(0, CountersReader.MAX_LABEL_LENGTH) : label, f.ordinal());
            }
        }
        UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_BYTES);
        header.putInt(VERSION_OFFSET, VERSION);
        header.putInt(WORKERS_OFFSET, workers);
        header.putInt(FIELDS_OFFSET, FIELDS);
        header.putIntVolatile(MAGIC_OFFSET, MAGIC);
        return new WorkerCounters(mapped);
    }

    /** Maps an existing counters file (a worker's view). */
    public static WorkerCounters open(Path file) throws IOException {
        return new WorkerCounters(QueueDirectory.openMapped(file, "worker counters"));
    }

    /** Worker positions in this file. */
    public int workers() {
        return workers;
    }

    /**
     * The counter of one worker's field, for that worker to write.
     *
     * @throws IndexOutOfBoundsException if {@code worker} is not in {@code [0, workers)}
     */
    public AtomicCounter counter(int worker, Field field) {
        return new AtomicCounter(values, id(worker, field));
    }

    /**
     * The current value of one worker's field (a volatile read), or 0 once {@link #close() closed}: a meter
     * registry may read it from any thread at any time, and reading an unmapped file would crash the JVM.
     */
    public synchronized long value(int worker, Field field) {
        return closed ? 0 : reader.getCounterValue(id(worker, field));
    }

    /** The label the pipeline gave a counter (for tools that list counters). */
    public synchronized String label(int worker, Field field) {
        return closed ? "" : reader.getCounterLabel(id(worker, field));
    }

    private int id(int worker, Field field) {
        if (worker < 0 || worker >= workers) {
            throw new IndexOutOfBoundsException("worker " + worker + " of " + workers);
        }
        return worker * FIELDS + field.ordinal();
    }

    /** Unmaps the file; {@link #counter} objects must not be used afterwards, {@link #value} reads 0. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            IoUtil.unmap(mapped);
        }
    }
}
