package dev.hybridetl.api;

import java.util.Map;

/**
 * Makes a {@link Transform} known by a plugin id, so that it can be constructed where it runs: in this JVM or in a
 * worker process that receives only the id and the configuration, never a Java object.
 *
 * <p>Register implementations in {@code META-INF/services/dev.hybridetl.api.TransformProvider}; they need a public
 * no-argument constructor. This is the Java form of "a process pool can only run what it can import by name".
 */
public interface TransformProvider {

    /** The plugin id, e.g. {@code flights-enrich}: lower-case letters, digits and dashes. */
    String id();

    /** One line for {@code --help} and for "unknown transform" errors. */
    String description();

    /**
     * Configuration keys this transform understands, with a one-line explanation each: shown by the CLI's
     * {@code transforms} command and, while {@link #checksConfigKeys()} is true, the complete list of keys that
     * {@link Pipeline.Builder#build()} accepts for a stage of this transform.
     */
    default Map<String, String> configKeys() {
        return Map.of();
    }

    /**
     * Whether {@link #configKeys()} is the complete list, so that {@link Pipeline.Builder#build()} refuses any other
     * key (a typo such as {@code airport} for {@code airports} fails the build, with a "did you mean" hint, instead
     * of being ignored by the transform).
     *
     * <p>Default: true when the provider declares at least one key, false when it declares none. A provider that
     * declares no keys (one written before keys were checked, or one that takes free-form keys) is handed whatever
     * configuration the stage carries, unchecked, as before. Override to return {@code true} for a transform that
     * takes no configuration at all (then every key is refused), or {@code false} for one that lists its main keys
     * for help but accepts others as well.
     */
    default boolean checksConfigKeys() {
        return !configKeys().isEmpty();
    }

    /**
     * Checks a stage's configuration before the run starts, so that a mistake fails at once, as one message, rather
     * than inside every worker. Called by {@link Pipeline.Builder#build()} in the JVM that builds the pipeline, once
     * per stage of this transform, after the key check and before any worker thread or process exists. It may do
     * I/O (check that a reference file exists and parses, for instance) on the caller's thread, and should be quick.
     * Default: accepts everything.
     *
     * <p>It does not replace the checks of {@link Transform#open}: workers still open their transforms with the same
     * configuration, and a file can change between the build and the run.
     *
     * @param config the stage's configuration, unmodifiable; keys not declared are already refused when
     *               {@link #checksConfigKeys()} is true
     * @throws IllegalArgumentException with a one-line message naming the key or file and what is wrong with it;
     *                                  {@code build()} rethrows it with the transform's name in front. Any other
     *                                  exception is taken for a bug in the provider and propagates as it is.
     */
    default void validate(Map<String, String> config) {
    }

    /** Creates a fresh, unopened instance. */
    Transform create();
}
