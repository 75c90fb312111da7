package dev.hybridetl.flights;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The airports reference table: IATA code → latitude/longitude, with {@code phi}/{@code lam} in radians precomputed
 * at load (the only per-airport precomputation the job definition allows).
 *
 * <p>Parsed with Apache Commons CSV because the file is RFC 4180 (quoted names with commas and {@code ""}); columns
 * are found by header name. Lookup is by the raw code bytes without allocating: codes of up to 7 bytes are packed
 * into a {@code long} and found in an open-addressing table, which keeps the per-record lookup a few nanoseconds.
 * Longer codes never match (no such code is in a table that only accepts codes of up to 7 bytes).
 *
 * <p>Immutable after load; safe to share between threads.
 */
final class AirportTable {
    static final String BUNDLED_RESOURCE = "airports.csv";
    static final int NOT_FOUND = -1;
    private static final int MAX_CODE_BYTES = 7;
    /** The columns used, found by these header names; others are ignored. */
    private static final String[] COLUMNS = {"iata", "latitude", "longitude"};

    private final double[] lat;
    private final double[] lon;
    private final double[] phi;
    private final double[] lam;
    private final long[] keys;
    private final int[] slots;
    private final int mask;

    private AirportTable(double[] lat, double[] lon, long[] codeKeys) {
        this.lat = lat;
        this.lon = lon;
        this.phi = new double[lat.length];
        this.lam = new double[lat.length];
        for (int i = 0; i < lat.length; i++) {
            phi[i] = lat[i] * GreatCircle.D2R;
            lam[i] = lon[i] * GreatCircle.D2R;
        }
        int capacity = Integer.highestOneBit(Math.max(4, codeKeys.length * 4) - 1) << 1;
        this.keys = new long[capacity];
        this.slots = new int[capacity];
        Arrays.fill(slots, NOT_FOUND);
        this.mask = capacity - 1;
        for (int i = 0; i < codeKeys.length; i++) {
            int s = slotOf(codeKeys[i]);
            keys[s] = codeKeys[i];
            slots[s] = i;
        }
    }

    /** Loads the table bundled with this module. */
    static AirportTable bundled() throws IOException {
        try (InputStream in = AirportTable.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new IOException("bundled airports table " + BUNDLED_RESOURCE + " is missing from the class path");
            }
            return parse(new InputStreamReader(in, StandardCharsets.ISO_8859_1), "bundled " + BUNDLED_RESOURCE);
        }
    }

    /**
     * Loads a table from a CSV file with (at least) the columns {@code iata}, {@code latitude}, {@code longitude}
     * and at least one airport row; blank lines are skipped.
     *
     * @throws IOException one line naming the file and the problem: missing, a directory, unreadable, empty, not
     *                     CSV, a missing column, no rows, or a bad row (its line number, with a code that is empty,
     *                     too long or repeated, or a latitude/longitude that is not a number in range)
     */
    static AirportTable load(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(null, null, "airports file not found: " + file);
        }
        if (Files.isDirectory(file)) {
            throw new IOException("airports file is a directory, not a file: " + file);
        }
        if (!Files.isReadable(file)) {
            throw new AccessDeniedException(null, null, "airports file is not readable: " + file);
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            return parse(reader, file.toString());
        }
    }

    private static AirportTable parse(Reader reader, String name) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true)
                .get();
        try (CSVParser parser = CSVParser.parse(reader, format)) {
            if (parser.getHeaderNames().isEmpty()) {
                throw new IOException("airports file " + name + " is empty (it needs a header line: "
                        + String.join(",", COLUMNS) + ")");
            }
            for (String column : COLUMNS) {
                if (!parser.getHeaderMap().containsKey(column)) {
                    throw new IOException("airports file " + name + " has no '" + column + "' column (header: "
                            + parser.getHeaderNames() + ")");
                }
            }
            double[] lat = new double[4096];
            double[] lon = new double[4096];
            long[] codes = new long[4096];
            int n = 0;
            java.util.Set<Long> seen = new java.util.HashSet<>();
            for (CSVRecord row : parser) {
                String at = "airports file " + name + " line " + parser.getCurrentLineNumber() + ": ";
                for (String column : COLUMNS) {
                    if (!row.isSet(column)) {
                        throw new IOException(at + "no '" + column + "' field (the row has " + row.size()
                                + " fields, the header " + parser.getHeaderNames().size() + ")");
                    }
                }
                String code = row.get("iata");
                byte[] bytes = code.getBytes(StandardCharsets.ISO_8859_1);
                if (bytes.length == 0 || bytes.length > MAX_CODE_BYTES) {
                    throw new IOException(at + "iata code '" + code + "' must have 1 to " + MAX_CODE_BYTES
                            + " characters");
                }
                long key = pack(bytes, 0, bytes.length);
                if (!seen.add(key)) {
                    throw new IOException(at + "duplicate iata code '" + code + "'");
                }
                if (n == lat.length) {
                    lat = Arrays.copyOf(lat, n * 2);
                    lon = Arrays.copyOf(lon, n * 2);
                    codes = Arrays.copyOf(codes, n * 2);
                }
                lat[n] = coordinate(row.get("latitude"), 90, at + "bad latitude for '" + code + "'");
                lon[n] = coordinate(row.get("longitude"), 180, at + "bad longitude for '" + code + "'");
                codes[n++] = key;
            }
            if (n == 0) {
                throw new IOException("airports file " + name + " has no airport rows, only a header");
            }
            return new AirportTable(Arrays.copyOf(lat, n), Arrays.copyOf(lon, n), Arrays.copyOf(codes, n));
        } catch (java.io.UncheckedIOException e) {
            throw new IOException("airports file " + name + " is not valid CSV: " + e.getCause().getMessage(), e);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new IOException("airports file " + name + " is not valid CSV: " + e.getMessage(), e);
        }
    }

    /** Degrees parsed as a double (correctly rounded), between -limit and limit; NaN and infinities are not. */
    private static double coordinate(String text, double limit, String problem) throws IOException {
        double degrees;
        try {
            degrees = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IOException(problem + ": '" + text + "' is not a number", e);
        }
        if (!(degrees >= -limit && degrees <= limit)) {
            throw new IOException(problem + ": " + text + " is not between " + (int) -limit + " and " + (int) limit);
        }
        return degrees;
    }

    /** Packs 1..7 bytes and the length into one long: the length byte keeps "AB" and "AB\0" apart. */
    private static long pack(byte[] b, int off, int len) {
        long key = len;
        for (int i = 0; i < len; i++) {
            key = (key << 8) | (b[off + i] & 0xFF);
        }
        return key;
    }

    private int slotOf(long key) {
        int s = (int) (mix(key) & mask);
        while (slots[s] != NOT_FOUND && keys[s] != key) {
            s = (s + 1) & mask;
        }
        return s;
    }

    private static long mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    /** The index of the airport whose code is {@code b[off .. off+len)}, or {@link #NOT_FOUND}. */
    int find(byte[] b, int off, int len) {
        if (len == 0 || len > MAX_CODE_BYTES) {
            return NOT_FOUND;
        }
        return slots[slotOf(pack(b, off, len))];
    }

    int size() {
        return lat.length;
    }

    double lat(int i) {
        return lat[i];
    }

    double lon(int i) {
        return lon[i];
    }

    double phi(int i) {
        return phi[i];
    }

    double lam(int i) {
        return lam[i];
    }
}
