package dev.hybridetl.flights;

import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformProvider;

import java.util.Map;

/** Plugin {@code flights-enrich}: the light variant, where parsing and formatting dominate. */
public final class FlightsEnrichProvider implements TransformProvider {
    @Override
    public String id() {
        return "flights-enrich";
    }

    @Override
    public String description() {
        return "US flights CSV -> JSON lines with great-circle distance, its error and the delay class";
    }

    @Override
    public Map<String, String> configKeys() {
        return Map.of(FlightsTransform.AIRPORTS_KEY, "airports CSV (iata,latitude,longitude columns); default: bundled");
    }

    @Override
    public Transform create() {
        return new FlightsTransform(false);
    }
}
