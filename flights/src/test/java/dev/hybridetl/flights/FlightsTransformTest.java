package dev.hybridetl.flights;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;
import dev.hybridetl.api.Transforms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transform through its plugin id, with the configuration a user would give it. */
class FlightsTransformTest {
    private static final String HEADER = "date,delay,distance,origin,destination";

    @TempDir
    Path dir;

    private static RecordBatch run(Transform t, String... rows) throws Exception {
        RecordBatchBuilder in = RecordBatch.builder(0);
        for (int i = 0; i < rows.length; i++) {
            in.add(i + 2, rows[i]);
        }
        RecordBatchBuilder out = RecordBatch.builder(0);
        t.process(in.build(), out);
        return out.build();
    }

    private static Transform open(String id, Map<String, String> config) throws Exception {
        Transform t = Transforms.get(id).create();
        t.open(new TransformContext(id, config, HEADER, 0));
        return t;
    }

    @Test
    void shouldUseCustomAirportsWhenConfigured() throws Exception {
        Path airports = Files.writeString(dir.resolve("airports.csv"),
                "name,iata,latitude,longitude\n\"Home, sweet \"\"home\"\"\",AAA,0,0\nAway,BBB,0,1\n");
        Transform t = open("flights-enrich", Map.of("airports", airports.toString()));

        RecordBatch out = run(t, "2001-01-01T00:01,5,69,AAA,BBB", "2001-01-01T00:01,5,69,LAS,PHL");

        assertThat(out.size()).isEqualTo(1);
        assertThat(new String(out.recordCopy(0), StandardCharsets.US_ASCII)).isEqualTo(
                "{\"date\":\"2001-01-01T00:01\",\"origin\":\"AAA\",\"destination\":\"BBB\",\"delay\":5,"
                        + "\"delay_class\":\"on_time\",\"distance\":69,\"gc_distance\":69.1,\"distance_error\":-0.1}");
        assertThat(out.rejects()).extracting(Reject::reason).containsExactly("unknown_both");
        assertThat(out.rejects().get(0).position()).isEqualTo(3);
    }

    @Test
    void shouldNameTheFileWhenAirportsAreMissingOrBroken() throws IOException {
        Path missing = dir.resolve("nope.csv");
        assertThatThrownBy(() -> open("flights-route", Map.of("airports", missing.toString())))
                .hasMessageContaining("airports file not found: " + missing);

        Path noColumn = Files.writeString(dir.resolve("no-lat.csv"), "iata,longitude\nAAA,1\n");
        assertThatThrownBy(() -> open("flights-route", Map.of("airports", noColumn.toString())))
                .hasMessageContaining(noColumn.toString()).hasMessageContaining("no 'latitude' column");

        Path duplicate = Files.writeString(dir.resolve("dup.csv"), "iata,latitude,longitude\nAAA,1,1\nAAA,2,2\n");
        assertThatThrownBy(() -> open("flights-route", Map.of("airports", duplicate.toString())))
                .hasMessageContaining("duplicate iata code 'AAA'");

        Path badNumber = Files.writeString(dir.resolve("bad.csv"), "iata,latitude,longitude\nAAA,north,1\n");
        assertThatThrownBy(() -> open("flights-route", Map.of("airports", badNumber.toString())))
                .hasMessageContaining("bad latitude for 'AAA'");
    }

    @Test
    void shouldEscapeBackslashInRouteWhenPolylineHasOne() throws Exception {
        Transform t = open("flights-route", Map.of());

        RecordBatch out = run(t, "2001-01-02T10:00,-1,2475,LAX,JFK");

        String line = new String(out.recordCopy(0), StandardCharsets.US_ASCII);
        assertThat(line).contains("\"delay_class\":\"early\"", "\"route\":\"").contains("\\\\").endsWith("\"}");
        assertThat(line.replace("\\\\", "")).doesNotContain("\\");
    }
}
