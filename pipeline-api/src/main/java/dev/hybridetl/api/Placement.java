package dev.hybridetl.api;

import java.util.Locale;

/**
 * Where a CPU stage runs. Switching placement is one setting; the output is byte-identical either way.
 *
 * <p>Java has no GIL, so threads already compute in parallel; {@link #PROCESSES} buys isolation (a crash, an
 * OutOfMemoryError or a long GC pause in one worker does not take the pipeline down), per-worker heap limits and
 * restart without losing work, at the price of worker start-up and of copying batches through shared memory.
 */
public enum Placement {
    /** A bounded pool of threads in the pipeline's own JVM. Accepts plugin and local (lambda) transforms. */
    THREADS,
    /** Worker JVM processes fed through Chronicle queues. Accepts only plugin transforms (created by id). */
    PROCESSES;

    /** Parses {@code threads} or {@code processes}, case-insensitively. */
    public static Placement parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown placement '" + text + "'; use 'threads' or 'processes'", e);
        }
    }

    /** The lower-case name used on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
