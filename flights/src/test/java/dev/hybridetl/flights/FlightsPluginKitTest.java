package dev.hybridetl.flights;

import dev.hybridetl.test.LeakCheck;
import dev.hybridetl.test.TransformTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.hybridetl.test.TransformTestKit.reject;

/** The flights plugins as their author tests them: through the test kit, on both placements, against known files. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FlightsPluginKitTest {
    private static final Path EDGE_CASES = Path.of("../samples/flights-edge-cases.csv");
    private static final String HEADER = "date,delay,distance,origin,destination";
    private static final String GOOD = "2001-01-01T00:01,33,2176,LAS,PHL";

    @ParameterizedTest(name = "{0}")
    @CsvSource({"flights-enrich, enrich", "flights-route, route"})
    void shouldWriteTheReferenceOutputAndRejectsOnBothPlacements(String plugin, String variant) {
        TransformTestKit.plugin(plugin)
                .input(EDGE_CASES)
                .runInBothPlacements()
                .assertOutputEquals(Path.of("../samples/flights-edge-cases." + variant + ".jsonl"))
                .assertRejectsEqual(Path.of("../samples/flights-edge-cases.rejects.tsv"));
    }

    @Test
    void shouldRejectRowsByLineNumberAndReason() {
        TransformTestKit.plugin("flights-route")
                .input(HEADER, GOOD, "2001-01-01T00:01,33,2176,XXX,PHL", "", GOOD)
                .runInBothPlacements()
                .assertRejects(reject(3, "unknown_origin").withRaw("2001-01-01T00:01,33,2176,XXX,PHL"),
                        reject(4, "malformed"));
    }

    @Test
    void shouldFailOnBothPlacementsNamingTheMissingAirportsFile() {
        TransformTestKit.plugin("flights-enrich")
                .config("airports", "/no/such/airports.csv")
                .input(HEADER, GOOD)
                .failInBothPlacements()
                .assertMessageContains("flights-enrich", "airports file not found: /no/such/airports.csv");
    }
}
