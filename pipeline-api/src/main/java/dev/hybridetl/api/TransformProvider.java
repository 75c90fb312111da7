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

    /** Configuration keys this transform understands, with a one-line explanation each (for {@code --help}). */
    default Map<String, String> configKeys() {
        return Map.of();
    }

    /** Creates a fresh, unopened instance. */
    Transform create();
}
