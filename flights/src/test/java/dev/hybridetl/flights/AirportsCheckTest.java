package dev.hybridetl.flights;

import dev.hybridetl.api.TransformContext;
import dev.hybridetl.api.TransformProvider;
import dev.hybridetl.api.Transforms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The providers' {@code validate}: every way an airports file can be unusable is one line naming the file, the same
 * line {@code open} would fail with in a worker (one parser, {@link AirportTable}).
 */
class AirportsCheckTest {
    @TempDir
    Path dir;

    /** An airports file as written in the table: {@code |} for a line break, {@code -} for a 0-byte file. */
    private Path file(String content) throws IOException {
        return Files.writeString(dir.resolve("airports.csv"), content.equals("-") ? "" : content.replace('|', '\n'),
                StandardCharsets.ISO_8859_1);
    }

    private static TransformProvider provider(String id) {
        return Transforms.get(id);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = ';', value = {
            "-; is empty (it needs a header line: iata,latitude,longitude)",
            "||; is empty",
            "iata,latitude,longitude|; has no airport rows, only a header",
            "code,latitude,longitude|AAA,1,2|; has no 'iata' column (header: [code, latitude, longitude])",
            "iata,longitude|AAA,1|; has no 'latitude' column",
            "iata,latitude,longitude|AAA,1|; line 2: no 'longitude' field (the row has 2 fields, the header 3)",
            "iata,latitude,longitude|AAA,north,1|; line 2: bad latitude for 'AAA': 'north' is not a number",
            "iata,latitude,longitude|AAA,1,|; line 2: bad longitude for 'AAA': '' is not a number",
            "iata,latitude,longitude|AAA,1,200|; line 2: bad longitude for 'AAA': 200 is not between -180 and 180",
            "iata,latitude,longitude|AAA,NaN,1|; line 2: bad latitude for 'AAA': NaN is not between -90 and 90",
            "iata,latitude,longitude|AAA,1,1|BBB,2,2|AAA,3,3|; line 4: duplicate iata code 'AAA'",
            "iata,latitude,longitude|,1,1|; line 2: iata code '' must have 1 to 7 characters",
            "iata,latitude,longitude|\"AAA,1,1|; is not valid CSV: (startline 2) EOF reached",
            "iata,,longitude|AAA,1,1|; is not valid CSV: A header name is missing"})
    void shouldRefuseWithOneLineNamingTheFileWhenAirportsFileIsUnusable(String content, String problem)
            throws IOException {
        Path airports = file(content);

        for (String id : new String[]{"flights-enrich", "flights-route"}) {
            assertThatThrownBy(() -> provider(id).validate(Map.of("airports", airports.toString())))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("airports file " + airports)
                    .hasMessageContaining(problem)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r"));
        }
        assertThatThrownBy(() -> provider("flights-enrich").create()
                .open(new TransformContext("s", Map.of("airports", airports.toString()), "", 0)))
                .isInstanceOf(IOException.class).hasMessageContaining(problem);
    }

    @Test
    void shouldSayWhatIsWrongWhenPathIsMissingADirectoryOrEmpty() {
        Path missing = dir.resolve("nope.csv");
        assertThatThrownBy(() -> provider("flights-route").validate(Map.of("airports", missing.toString())))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("airports file not found: " + missing);
        assertThatThrownBy(() -> provider("flights-route").validate(Map.of("airports", dir.toString())))
                .hasMessage("airports file is a directory, not a file: " + dir);
        assertThatThrownBy(() -> provider("flights-route").validate(Map.of("airports", " ")))
                .hasMessage("config key 'airports' is empty: give the path of an airports CSV file, or leave the key"
                        + " out for the bundled table");
    }

    @Test
    void shouldSayFileIsNotReadableWhenPermissionsForbidIt() throws IOException {
        Path locked = file("iata,latitude,longitude|AAA,1,1|");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(locked), "running as root: every file is readable");

        assertThatThrownBy(() -> provider("flights-enrich").validate(Map.of("airports", locked.toString())))
                .hasMessage("airports file is not readable: " + locked);
    }

    @Test
    void shouldAcceptAValidFileAndTheBundledTable() throws IOException {
        Path airports = file("name,iata,latitude,longitude|\"Home, sweet \"\"home\"\"\",AAA,-90,180||Away,BBB,0,1e0|");

        provider("flights-enrich").validate(Map.of("airports", airports.toString()));
        provider("flights-route").validate(Map.of());
        assertThat(AirportTable.load(airports).size()).isEqualTo(2);
        assertThat(AirportTable.bundled().size()).isEqualTo(3376);
    }

    @Test
    void shouldDeclareTheAirportsKeyAndCheckIt() {
        for (String id : new String[]{"flights-enrich", "flights-route"}) {
            assertThat(provider(id).configKeys()).containsOnlyKeys("airports");
            assertThat(provider(id).checksConfigKeys()).isTrue();
        }
    }
}
