package com.example.sensors;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One reading in, one JSON line out: {@code sensor_id,time,temperature_c,humidity_pct} becomes
 * <pre>{"sensor":"freezer-2","time":"2025-06-01T00:00:00Z","celsius":-18.3,"fahrenheit":-0.9,"humidity":62,
 *  "status":"freezing"}</pre>
 * Temperatures are whole tenths of a degree: Fahrenheit is {@code C x 1.8 + 32} rounded half up (towards plus
 * infinity) to a tenth, in integer arithmetic, so the answer is exact. The status is the first that applies of
 * {@code freezing} (below 0.0 C), {@code hot} (above 30.0 C), {@code humid} (above 85 %) and {@code ok}.
 *
 * <p>Rejects, the first check that fails decides: {@code malformed} (not
 * {@code ID,YYYY-MM-DDTHH:MM:SSZ,[-]D.D,H} with an id of 1 to 32 letters, digits and dashes, 1 to 3 digits before
 * the point and 1 to 3 digits of humidity), {@code bad_time} (not a real UTC time in 2000-2099),
 * {@code out_of_range} (temperature outside -50.0 to 60.0 C, or humidity over 100).
 */
final class SensorReadingsTransform implements Transform {
    static final String HEADER = "sensor_id,time,temperature_c,humidity_pct";
    private static final Pattern READING = Pattern.compile("([A-Za-z0-9-]{1,32}),"
            + "([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z,"
            + "(-?)([0-9]{1,3})\\.([0-9]),"
            + "([0-9]{1,3})");

    private final Matcher matcher = READING.matcher("");

    @Override
    public void open(TransformContext context) {
        if (!context.header().equals(HEADER)) {
            throw new IllegalArgumentException("expected the header '" + HEADER + "', the input has '"
                    + context.header() + "'");
        }
    }

    @Override
    public void process(RecordBatch in, RecordBatchBuilder out) {
        for (int i = 0; i < in.size(); i++) {
            // ISO-8859-1 maps each byte to one char, so a non-ASCII byte is a char the pattern never matches.
            matcher.reset(new String(in.data(), in.offset(i), in.length(i), StandardCharsets.ISO_8859_1));
            String reason = !matcher.matches() ? "malformed" : !realTime() ? "bad_time" : null;
            int celsius = 0;
            int humidity = 0;
            if (reason == null) {
                celsius = Integer.parseInt(matcher.group(9)) * 10 + Integer.parseInt(matcher.group(10));
                celsius = matcher.group(8).isEmpty() ? celsius : -celsius;
                humidity = Integer.parseInt(matcher.group(11));
                if (celsius < -500 || celsius > 600 || humidity > 100) {
                    reason = "out_of_range";
                }
            }
            if (reason != null) {
                out.reject(in.position(i), reason, in.data(), in.offset(i), in.length(i));
                continue;
            }
            int fahrenheit = Math.floorDiv(celsius * 18 + 5, 10) + 320;
            String status = celsius < 0 ? "freezing" : celsius > 300 ? "hot" : humidity > 85 ? "humid" : "ok";
            out.add(in.position(i), "{\"sensor\":\"" + matcher.group(1)
                    + "\",\"time\":\"" + matcher.group(2) + '-' + matcher.group(3) + '-' + matcher.group(4)
                    + 'T' + matcher.group(5) + ':' + matcher.group(6) + ':' + matcher.group(7)
                    + "Z\",\"celsius\":" + tenths(celsius) + ",\"fahrenheit\":" + tenths(fahrenheit)
                    + ",\"humidity\":" + humidity + ",\"status\":\"" + status + "\"}");
        }
    }

    private boolean realTime() {
        int year = Integer.parseInt(matcher.group(2));
        try {
            LocalDateTime.of(year, Integer.parseInt(matcher.group(3)), Integer.parseInt(matcher.group(4)),
                    Integer.parseInt(matcher.group(5)), Integer.parseInt(matcher.group(6)),
                    Integer.parseInt(matcher.group(7)));
        } catch (DateTimeException e) {
            return false;
        }
        return year >= 2000 && year <= 2099;
    }

    private static String tenths(int t) {
        return (t < 0 ? "-" : "") + Math.abs(t) / 10 + "." + Math.abs(t) % 10;
    }
}
