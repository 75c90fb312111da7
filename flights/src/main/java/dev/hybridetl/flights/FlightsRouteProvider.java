package dev.hybridetl.flights;

import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformProvider;

import java.util.Map;

/** Plugin {@code flights-route}: enrich plus a 64-point great-circle polyline per flight; CPU-heavy. */
public final class FlightsRouteProvider implements TransformProvider {
    @Override
    public String id() {
        return "flights-route";
    }

    @Override
    public String description() {
        return "flights-enrich plus an encoded 64-point great-circle route per flight (CPU-heavy)";
    }

    @Override
    public Map<String, String> configKeys() {
        return Map.of(FlightsTransform.AIRPORTS_KEY, "airports CSV (iata,latitude,longitude columns); default: bundled");
    }

    @Override
    public Transform create() {
        return new FlightsTransform(true);
    }
}
