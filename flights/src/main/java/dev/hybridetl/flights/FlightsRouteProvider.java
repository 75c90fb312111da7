package dev.hybridetl.flights;

/** Plugin {@code flights-route}: enrich plus a 64-point great-circle polyline per flight; CPU-heavy. */
public final class FlightsRouteProvider extends FlightsProvider {
    public FlightsRouteProvider() {
        super(true);
    }

    @Override
    public String id() {
        return "flights-route";
    }

    @Override
    public String description() {
        return "flights-enrich plus an encoded 64-point great-circle route per flight (CPU-heavy)";
    }
}
