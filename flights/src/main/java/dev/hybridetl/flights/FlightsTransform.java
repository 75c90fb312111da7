package dev.hybridetl.flights;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The flights job (docs/jobs/flights.md): validate each row, look up both airports, compute the great-circle
 * distance, classify the delay, and emit one JSON line; the {@code route} variant also encodes a 64-point
 * great-circle polyline, which makes it CPU-heavy.
 *
 * <p>Rejects, checked in this order: {@code malformed} (the row does not match the grammar), then
 * {@code unknown_both}, {@code unknown_origin}, {@code unknown_destination}.
 *
 * <p>Not thread-safe: one instance per worker thread or process, as {@link Transform} promises.
 */
final class FlightsTransform implements Transform {
    /** Configuration key: path of an airports CSV that replaces the bundled table. */
    static final String AIRPORTS_KEY = "airports";

    private static final byte[] DATE = JsonLine.ascii("{\"date\":\"");
    private static final byte[] ORIGIN = JsonLine.ascii("\",\"origin\":\"");
    private static final byte[] DESTINATION = JsonLine.ascii("\",\"destination\":\"");
    private static final byte[] DELAY = JsonLine.ascii("\",\"delay\":");
    private static final byte[] DELAY_CLASS = JsonLine.ascii(",\"delay_class\":\"");
    private static final byte[] DISTANCE = JsonLine.ascii("\",\"distance\":");
    private static final byte[] GC_DISTANCE = JsonLine.ascii(",\"gc_distance\":");
    private static final byte[] DISTANCE_ERROR = JsonLine.ascii(",\"distance_error\":");
    private static final byte[] ROUTE = JsonLine.ascii(",\"route\":\"");
    private static final byte[] QUOTE = JsonLine.ascii("\"");
    private static final byte[] CLOSE = JsonLine.ascii("}");
    private static final byte[] EARLY = JsonLine.ascii("early");
    private static final byte[] ON_TIME = JsonLine.ascii("on_time");
    private static final byte[] LATE = JsonLine.ascii("late");
    private static final byte[] SEVERE = JsonLine.ascii("severe");

    private final boolean withRoute;
    private final FlightRow row = new FlightRow();
    private final JsonLine line = new JsonLine();
    private AirportTable airports;

    FlightsTransform(boolean withRoute) {
        this.withRoute = withRoute;
    }

    @Override
    public void open(TransformContext context) throws Exception {
        Path file = airportsFile(context.config());
        airports = file == null ? AirportTable.bundled() : AirportTable.load(file);
    }

    /**
     * The airports file a configuration names, or {@code null} for the bundled table.
     *
     * @throws IllegalArgumentException if the value is empty or not a path
     */
    static Path airportsFile(Map<String, String> config) {
        String value = config.get(AIRPORTS_KEY);
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException("config key '" + AIRPORTS_KEY + "' is empty: give the path of an"
                    + " airports CSV file, or leave the key out for the bundled table");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("config key '" + AIRPORTS_KEY + "' is not a valid path: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void process(RecordBatch in, RecordBatchBuilder out) {
        byte[] data = in.data();
        for (int i = 0; i < in.size(); i++) {
            int offset = in.offset(i);
            int length = in.length(i);
            long position = in.position(i);
            if (!row.match(data, offset, length)) {
                out.reject(position, "malformed", data, offset, length);
                continue;
            }
            int origin = airports.find(data, row.originOffset, row.originLength);
            int destination = airports.find(data, row.destinationOffset, row.destinationLength);
            if (origin == AirportTable.NOT_FOUND || destination == AirportTable.NOT_FOUND) {
                String reason = origin == destination ? "unknown_both"
                        : origin == AirportTable.NOT_FOUND ? "unknown_origin" : "unknown_destination";
                out.reject(position, reason, data, offset, length);
                continue;
            }
            writeLine(origin, destination);
            line.end(out, position);
        }
    }

    private void writeLine(int origin, int destination) {
        double phi1 = airports.phi(origin);
        double lam1 = airports.lam(origin);
        double phi2 = airports.phi(destination);
        double lam2 = airports.lam(destination);
        double omega = GreatCircle.omega(phi1, lam1, phi2, lam2);
        long gcTenths = GreatCircle.tenths(GreatCircle.R * omega);

        line.begin();
        line.ascii(DATE).raw(row.data, row.dateOffset, FlightRow.DATE_LENGTH)
                .ascii(ORIGIN).raw(row.data, row.originOffset, row.originLength)
                .ascii(DESTINATION).raw(row.data, row.destinationOffset, row.destinationLength)
                .ascii(DELAY).integer(row.delay)
                .ascii(DELAY_CLASS).ascii(delayClass(row.delay))
                .ascii(DISTANCE).integer(row.distance)
                .ascii(GC_DISTANCE).tenths(gcTenths)
                .ascii(DISTANCE_ERROR).tenths(row.distance * 10L - gcTenths);
        if (withRoute) {
            line.ascii(ROUTE);
            GreatCircle.encodeRoute(line, airports.lat(origin), airports.lon(origin), airports.lat(destination),
                    airports.lon(destination), phi1, lam1, phi2, lam2, omega);
            line.ascii(QUOTE);
        }
        line.ascii(CLOSE);
    }

    private static byte[] delayClass(int delay) {
        if (delay < 0) {
            return EARLY;
        }
        if (delay <= 15) {
            return ON_TIME;
        }
        return delay <= 60 ? LATE : SEVERE;
    }
}
