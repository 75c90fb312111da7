package dev.hybridetl.flights;

/**
 * One flights row, matched against the exact grammar of the job definition and split into fields in place:
 *
 * <pre>
 * ([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}),(-?[0-9]{1,6}),([0-9]{1,6}),([^,]*),([^,]*)
 *  date (16 bytes, verbatim)                      delay          distance      origin  destination
 * </pre>
 *
 * <p>Hand-written rather than {@code java.util.regex}: this runs once per record on the hot path, where a regex
 * match (with a {@code String} per record) costs several times the whole transform. Classes are ASCII only
 * ({@code [0-9]}, not {@code \d}), and the match is on the whole record.
 *
 * <p>A mutable holder reused for every record: one instance per transform instance, so one thread.
 */
final class FlightRow {
    static final int DATE_LENGTH = 16;

    byte[] data;
    int dateOffset;
    int delay;
    int distance;
    int originOffset;
    int originLength;
    int destinationOffset;
    int destinationLength;
    /** Scratch: the value of the digits {@link #digits} read last. */
    private int number;

    /** Matches {@code data[offset .. offset+length)}; on success fills the fields and returns true. */
    boolean match(byte[] data, int offset, int length) {
        int end = offset + length;
        int p = offset;
        if (length < DATE_LENGTH + 6 || !isDate(data, p)) {
            return false;
        }
        p += DATE_LENGTH;
        if (data[p++] != ',') {
            return false;
        }
        boolean negative = data[p] == '-';
        if (negative) {
            p++;
        }
        p = digits(data, p, end);
        if (p < 0 || p >= end || data[p++] != ',') {
            return false;
        }
        int delayValue = negative ? -number : number;
        p = digits(data, p, end);
        if (p < 0 || p >= end || data[p++] != ',') {
            return false;
        }
        int distanceValue = number;
        int originStart = p;
        while (p < end && data[p] != ',') {
            p++;
        }
        if (p == end) {
            return false; // no fifth field
        }
        int originEnd = p++;
        int destinationStart = p;
        while (p < end) {
            if (data[p] == ',') {
                return false; // a sixth field
            }
            p++;
        }
        this.data = data;
        this.dateOffset = offset;
        this.delay = delayValue;
        this.distance = distanceValue;
        this.originOffset = originStart;
        this.originLength = originEnd - originStart;
        this.destinationOffset = destinationStart;
        this.destinationLength = end - destinationStart;
        return true;
    }

    /**
     * Reads {@code [0-9]{1,6}} at {@code p}: returns the position after the digits and leaves their value in
     * {@link #number}, or returns -1 if there is no digit or more than six.
     */
    private int digits(byte[] d, int p, int end) {
        int start = p;
        int value = 0;
        while (p < end && isDigit(d[p])) {
            value = value * 10 + (d[p] - '0');
            p++;
            if (p - start > 6) {
                return -1;
            }
        }
        number = value;
        return p == start ? -1 : p;
    }

    /** {@code [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}} at {@code p}. */
    private static boolean isDate(byte[] d, int p) {
        return isDigit(d[p]) && isDigit(d[p + 1]) && isDigit(d[p + 2]) && isDigit(d[p + 3]) && d[p + 4] == '-'
                && isDigit(d[p + 5]) && isDigit(d[p + 6]) && d[p + 7] == '-'
                && isDigit(d[p + 8]) && isDigit(d[p + 9]) && d[p + 10] == 'T'
                && isDigit(d[p + 11]) && isDigit(d[p + 12]) && d[p + 13] == ':'
                && isDigit(d[p + 14]) && isDigit(d[p + 15]);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
