package dev.hybridetl.api;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The transform plugins on the class path, found with {@link ServiceLoader}.
 *
 * <p>Thread-safe; the registry is read once per class loader and cached.
 */
public final class Transforms {
    private static final Map<String, TransformProvider> PROVIDERS = load();

    private Transforms() {
    }

    private static Map<String, TransformProvider> load() {
        Map<String, TransformProvider> byId = new TreeMap<>();
        for (TransformProvider p : ServiceLoader.load(TransformProvider.class, Transforms.class.getClassLoader())) {
            TransformProvider previous = byId.putIfAbsent(p.id(), p);
            if (previous != null && previous.getClass() != p.getClass()) {
                throw new IllegalStateException("two transform plugins claim id '" + p.id() + "': "
                        + previous.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        return Collections.unmodifiableMap(byId);
    }

    /** All known plugins, sorted by id. */
    public static Map<String, TransformProvider> all() {
        return PROVIDERS;
    }

    /**
     * The plugin with this id.
     *
     * @throws IllegalArgumentException naming the known ids (and the nearest one, when close), if there is none
     */
    public static TransformProvider get(String id) {
        TransformProvider p = PROVIDERS.get(id);
        if (p == null) {
            throw new IllegalArgumentException("unknown transform '" + id + "'; "
                    + Suggestions.didYouMean(id, PROVIDERS.keySet()) + "known transforms: "
                    + (PROVIDERS.isEmpty() ? "(none on the class path)" : String.join(", ", PROVIDERS.keySet())));
        }
        return p;
    }
}
