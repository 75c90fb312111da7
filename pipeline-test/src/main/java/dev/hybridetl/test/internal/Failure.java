package dev.hybridetl.test.internal;

import java.util.Arrays;
import java.util.Locale;

/**
 * What the failing kit transform throws, by the simple name of the class ({@code throw=StackOverflowError}). Errors
 * are real instances of their class; the stack overflow comes from real recursion, the out-of-memory error is
 * thrown, not provoked (provoking one would take the JVM's heap with it).
 */
public enum Failure {
    NO_CLASS_DEF_FOUND("NoClassDefFoundError"),
    STACK_OVERFLOW("StackOverflowError"),
    ASSERTION("AssertionError"),
    OUT_OF_MEMORY("OutOfMemoryError"),
    RUNTIME_EXCEPTION("RuntimeException");

    private final String className;

    Failure(String className) {
        this.className = className;
    }

    /** The simple name of the class thrown; what a failure message must name. */
    public String className() {
        return className;
    }

    /** The kind named {@code simpleName}. */
    public static Failure parse(String simpleName) {
        return Arrays.stream(values()).filter(f -> f.className.equals(simpleName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown failure '" + simpleName + "'; use one of "
                        + Arrays.toString(Arrays.stream(values()).map(Failure::className).toArray())));
    }

    /**
     * The message of the kinds that have one: it names no phase, stage or batch, so that a failure message that
     * does can only have it from the runner or the pipeline.
     */
    public static final String MESSAGE = "test-kit: deliberate failure";

    /** Throws it. */
    public void raise() {
        String message = MESSAGE;
        switch (this) {
            case NO_CLASS_DEF_FOUND -> throw new NoClassDefFoundError("dev/hybridetl/test/Missing: " + message);
            case STACK_OVERFLOW -> recurse(0);
            case ASSERTION -> throw new AssertionError(message);
            case OUT_OF_MEMORY -> throw new OutOfMemoryError(message);
            case RUNTIME_EXCEPTION -> throw new RuntimeException(message);
            default -> throw new IllegalStateException(name().toLowerCase(Locale.ROOT));
        }
    }

    /** Real recursion until the thread's stack is exhausted; the sum keeps it from being optimised away. */
    private static int recurse(int depth) {
        return recurse(depth + 1) + depth;
    }
}
