package dev.hybridetl.flights;

import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformProvider;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the two flights plugins share: the one configuration key, {@code airports}, and its check before the run.
 *
 * <p>{@link #validate} loads the configured airports file once, in the JVM that builds the pipeline, with the same
 * parser the workers use ({@link AirportTable#load}); so a missing, empty or broken file fails the build with one
 * line naming the file, before any worker starts, instead of failing every worker (or, for a file without rows,
 * rejecting every record).
 */
abstract class FlightsProvider implements TransformProvider {
    private final boolean withRoute;

    FlightsProvider(boolean withRoute) {
        this.withRoute = withRoute;
    }

    @Override
    public final Map<String, String> configKeys() {
        return Map.of(FlightsTransform.AIRPORTS_KEY, "airports CSV (iata,latitude,longitude columns); default: bundled");
    }

    @Override
    public final void validate(Map<String, String> config) {
        Path file = FlightsTransform.airportsFile(config);
        if (file != null) {
            try {
                AirportTable.load(file);
            } catch (IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    @Override
    public final Transform create() {
        return new FlightsTransform(withRoute);
    }
}
