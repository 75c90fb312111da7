package dev.hybridetl.flights;

/** Plugin {@code flights-enrich}: the light variant, where parsing and formatting dominate. */
public final class FlightsEnrichProvider extends FlightsProvider {
    public FlightsEnrichProvider() {
        super(false);
    }

    @Override
    public String id() {
        return "flights-enrich";
    }

    @Override
    public String description() {
        return "US flights CSV -> JSON lines with great-circle distance, its error and the delay class";
    }
}
