package dev.hybridetl.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * One transform step of a pipeline: what runs (a plugin id with its configuration, or a local factory), where
 * ({@link Placement}) and on how many workers. Immutable; the {@code with*} methods return modified copies.
 *
 * <pre>{@code
 * Stage.plugin("flights-route").withConfig("airports", "/data/airports.csv")
 *      .withPlacement(Placement.PROCESSES).withWorkers(4)
 * }</pre>
 */
public final class Stage {
    /** Upper bound on workers per stage: a pool is sized to the cores, never to the amount of work. */
    public static final int MAX_WORKERS = 256;
    /**
     * Default of {@link #withBatchTimeout}: far above any sane batch (a flights batch takes milliseconds), so only
     * a transform that is stuck meets it.
     */
    public static final Duration DEFAULT_BATCH_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final String pluginId;
    private final Supplier<? extends Transform> localFactory;
    private final Map<String, String> config;
    private final Placement placement;
    private final int workers;
    private final Duration batchTimeout;

    private Stage(String name, String pluginId, Supplier<? extends Transform> localFactory,
                  Map<String, String> config, Placement placement, int workers, Duration batchTimeout) {
        this.name = name;
        this.pluginId = pluginId;
        this.localFactory = localFactory;
        this.config = Map.copyOf(config);
        this.placement = placement;
        this.workers = workers;
        this.batchTimeout = batchTimeout;
    }

    /**
     * A stage that runs the transform plugin with this id (see {@link TransformProvider}); it can be placed anywhere.
     * Defaults: placement {@link Placement#THREADS}, workers = available processors.
     */
    public static Stage plugin(String pluginId) {
        Objects.requireNonNull(pluginId, "pluginId");
        return new Stage(pluginId, pluginId, null, Map.of(), Placement.THREADS, defaultWorkers(),
                DEFAULT_BATCH_TIMEOUT);
    }

    /**
     * A stage whose transforms are made by a Java object in this JVM (a lambda, an anonymous class). Such a stage
     * can only run on {@link Placement#THREADS}: an object cannot be sent to another process, and the pipeline
     * refuses to build if you try.
     *
     * @param factory called once per worker thread
     */
    public static Stage local(String name, Supplier<? extends Transform> factory) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(factory, "factory");
        return new Stage(name, null, factory, Map.of(), Placement.THREADS, defaultWorkers(),
                DEFAULT_BATCH_TIMEOUT);
    }

    static int defaultWorkers() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Returns a copy with one more configuration entry (replacing an earlier value of the key). */
    public Stage withConfig(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(config);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new Stage(name, pluginId, localFactory, copy, placement, workers, batchTimeout);
    }

    /** Returns a copy with these configuration entries added. */
    public Stage withConfig(Map<String, String> entries) {
        Map<String, String> copy = new LinkedHashMap<>(config);
        copy.putAll(entries);
        return new Stage(name, pluginId, localFactory, copy, placement, workers, batchTimeout);
    }

    /** Returns a copy placed on {@code placement}. */
    public Stage withPlacement(Placement placement) {
        return new Stage(name, pluginId, localFactory, config, Objects.requireNonNull(placement, "placement"), workers,
                batchTimeout);
    }

    /**
     * Returns a copy with {@code workers} threads or processes.
     *
     * @throws IllegalArgumentException unless 1 &lt;= workers &lt;= {@link #MAX_WORKERS}
     */
    public Stage withWorkers(int workers) {
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be between 1 and " + MAX_WORKERS + ", was " + workers);
        }
        return new Stage(name, pluginId, localFactory, config, placement, workers, batchTimeout);
    }

    /**
     * Returns a copy whose transform may take at most {@code timeout} on one batch. On processes a worker that
     * exceeds it is killed and the batch retried like a crash (then split, and the record that is stuck
     * dead-lettered as {@code transform_timeout}); on threads, which cannot stop a thread, the run fails naming the
     * batch. Default {@link #DEFAULT_BATCH_TIMEOUT}.
     *
     * @throws IllegalArgumentException unless it is at least 1 ms
     */
    public Stage withBatchTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.toMillis() < 1) {
            throw new IllegalArgumentException("batch timeout must be at least 1 ms, was " + timeout);
        }
        return new Stage(name, pluginId, localFactory, config, placement, workers, timeout);
    }

    /** Returns a copy with another display name (names must be unique within a pipeline). */
    public Stage withName(String name) {
        return new Stage(Objects.requireNonNull(name, "name"), pluginId, localFactory, config, placement, workers,
                batchTimeout);
    }

    public String name() {
        return name;
    }

    /** The plugin id, or {@code null} for a local stage. */
    public String pluginId() {
        return pluginId;
    }

    /** True if the transform is made from its plugin id, so that it can be built in another process. */
    public boolean isPlugin() {
        return pluginId != null;
    }

    public Map<String, String> config() {
        return config;
    }

    public Placement placement() {
        return placement;
    }

    public int workers() {
        return workers;
    }

    /** How long the transform may take on one batch (see {@link #withBatchTimeout}). */
    public Duration batchTimeout() {
        return batchTimeout;
    }

    /** Creates an unopened transform instance in this JVM: from the plugin registry or the local factory. */
    public Transform newTransform() {
        Transform t = isPlugin() ? Transforms.get(pluginId).create() : localFactory.get();
        if (t == null) {
            throw new IllegalStateException("stage '" + name + "': transform factory returned null");
        }
        return t;
    }

    /**
     * Checks the stage can run where it is placed, and a plugin's configuration (its keys, then its provider's
     * {@link TransformProvider#validate}); called by the pipeline builder.
     */
    void validate() {
        if (isPlugin()) {
            TransformProvider provider = Transforms.get(pluginId);
            checkConfigKeys(provider);
            try {
                provider.validate(config);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(describe() + ": "
                        + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
            }
        } else if (placement != Placement.THREADS) {
            throw new IllegalArgumentException("stage '" + name + "' is a local Java object (a lambda or an instance)"
                    + " and cannot be placed on " + placement.cliName() + ": an object cannot be sent to another"
                    + " process. Register a TransformProvider and use Stage.plugin(id), or use Placement.THREADS.");
        }
    }

    private void checkConfigKeys(TransformProvider provider) {
        if (!provider.checksConfigKeys()) {
            return;
        }
        Set<String> known = new TreeSet<>(provider.configKeys().keySet());
        Set<String> unknown = new TreeSet<>(config.keySet());
        unknown.removeAll(known);
        if (unknown.isEmpty()) {
            return;
        }
        StringBuilder m = new StringBuilder("unknown config key").append(unknown.size() > 1 ? "s " : " ");
        m.append(String.join(", ", unknown.stream().map(k -> "'" + k + "'").toList()));
        m.append(" for ").append(describe()).append("; ");
        for (String key : unknown) {
            String hint = Suggestions.didYouMean(key, known);
            m.append(unknown.size() > 1 && !hint.isEmpty() ? "for '" + key + "' " : "").append(hint);
        }
        m.append("known keys: ").append(known.isEmpty() ? "(none: it takes no configuration)" : String.join(", ", known));
        throw new IllegalArgumentException(m.toString());
    }

    /** {@code transform 'id'}, with the stage's name when it was renamed: how errors name this stage. */
    private String describe() {
        return "transform '" + pluginId + "'" + (name.equals(pluginId) ? "" : " (stage '" + name + "')");
    }

    @Override
    public String toString() {
        return "Stage{" + name + (isPlugin() ? "" : " (local)") + ", " + placement.cliName() + " x" + workers
                + (config.isEmpty() ? "" : ", config=" + config) + '}';
    }
}
