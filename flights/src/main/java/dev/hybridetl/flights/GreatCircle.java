package dev.hybridetl.flights;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The job's arithmetic, evaluated exactly in the order the job definition gives (IEEE binary64; Java never fuses
 * multiply-adds on its own, so no FMA). Output is byte-identical to the known answers, so change nothing here
 * without re-running {@code FlightsKnownAnswersTest}.
 *
 * <p>Stateless; thread-safe.
 */
final class GreatCircle {
    static final double R = 3958.8;
    static final double D2R = 0.017453292519943295;
    static final double R2D = 57.29577951308232;
    /** Points on an encoded route, including both ends. */
    static final int ROUTE_POINTS = 64;

    private GreatCircle() {
    }

    /** Central angle in radians between (phi1, lam1) and (phi2, lam2), haversine form. */
    static double omega(double phi1, double lam1, double phi2, double lam2) {
        double s1 = Math.sin((phi2 - phi1) / 2.0);
        double s2 = Math.sin((lam2 - lam1) / 2.0);
        double a = s1 * s1 + ((Math.cos(phi1) * Math.cos(phi2)) * s2) * s2;
        if (a > 1.0) {
            a = 1.0;
        }
        return 2.0 * Math.asin(Math.sqrt(a));
    }

    /**
     * The exact decimal value of {@code gc} times 10, rounded half-even to an integer. Fast path: round
     * {@code fl(gc * 10)}, which is right unless the product lies within 1e-6 of a tie, where the exact value of the
     * double decides (BigDecimal).
     */
    static long tenths(double gc) {
        double scaled = gc * 10.0;
        double floor = Math.floor(scaled);
        double fraction = scaled - floor;
        if (Math.abs(fraction - 0.5) > 1e-6) {
            return (long) (fraction < 0.5 ? floor : floor + 1.0);
        }
        return new BigDecimal(gc).setScale(1, RoundingMode.HALF_EVEN).unscaledValue().longValueExact();
    }

    /**
     * Writes the encoded polyline (Google algorithm, precision 1e5) of the 64-point great-circle route from
     * (lat1, lon1) to (lat2, lon2), in degrees as parsed, JSON-escaped ({@code \} as {@code \\}).
     */
    static void encodeRoute(JsonLine out, double lat1, double lon1, double lat2, double lon2, double phi1,
                            double lam1, double phi2, double lam2, double omega) {
        long prevLat = 0;
        long prevLon = 0;
        long ilat = (long) Math.rint(lat1 * 1e5);
        long ilon = (long) Math.rint(lon1 * 1e5);
        out.polylineValue(ilat - prevLat);
        out.polylineValue(ilon - prevLon);
        prevLat = ilat;
        prevLon = ilon;
        if (omega == 0.0) {
            // P1..P62 = P0: each repeats P0, so their deltas are zero.
            for (int i = 1; i < ROUTE_POINTS - 1; i++) {
                out.polylineValue(0);
                out.polylineValue(0);
            }
        } else {
            double x1 = Math.cos(phi1) * Math.cos(lam1);
            double y1 = Math.cos(phi1) * Math.sin(lam1);
            double z1 = Math.sin(phi1);
            double x2 = Math.cos(phi2) * Math.cos(lam2);
            double y2 = Math.cos(phi2) * Math.sin(lam2);
            double z2 = Math.sin(phi2);
            double so = Math.sin(omega);
            for (int i = 1; i < ROUTE_POINTS - 1; i++) {
                double t = i / 63.0;
                double a = Math.sin((1.0 - t) * omega) / so;
                double b = Math.sin(t * omega) / so;
                double x = a * x1 + b * x2;
                double y = a * y1 + b * y2;
                double z = a * z1 + b * z2;
                double lat = Math.atan2(z, Math.sqrt(x * x + y * y)) * R2D;
                double lon = Math.atan2(y, x) * R2D;
                ilat = (long) Math.rint(lat * 1e5);
                ilon = (long) Math.rint(lon * 1e5);
                out.polylineValue(ilat - prevLat);
                out.polylineValue(ilon - prevLon);
                prevLat = ilat;
                prevLon = ilon;
            }
        }
        ilat = (long) Math.rint(lat2 * 1e5);
        ilon = (long) Math.rint(lon2 * 1e5);
        out.polylineValue(ilat - prevLat);
        out.polylineValue(ilon - prevLon);
    }
}
