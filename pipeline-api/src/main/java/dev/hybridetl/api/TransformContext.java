package dev.hybridetl.api;

import java.util.Map;
import java.util.Objects;

/**
 * What a transform learns when it is opened.
 *
 * @param stageName the stage's name in the pipeline (its plugin id unless renamed)
 * @param config the stage's string-keyed configuration, unmodifiable
 * @param header the source's header line (empty if the source has none), decoded as ISO-8859-1
 * @param workerIndex which worker (thread or process) of the stage this instance belongs to, from 0
 */
public record TransformContext(String stageName, Map<String, String> config, String header, int workerIndex) {
    public TransformContext {
        Objects.requireNonNull(stageName, "stageName");
        config = Map.copyOf(config);
        Objects.requireNonNull(header, "header");
    }

    /** The value of a configuration key, or {@code defaultValue} if it is absent. */
    public String config(String key, String defaultValue) {
        return config.getOrDefault(key, defaultValue);
    }
}
