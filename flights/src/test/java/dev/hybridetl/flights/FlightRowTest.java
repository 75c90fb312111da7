package dev.hybridetl.flights;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written matcher agrees with the job's regular expression on awkward rows. */
class FlightRowTest {
    private static final Pattern GRAMMAR = Pattern.compile(
            "([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}),(-?[0-9]{1,6}),([0-9]{1,6}),([^,]*),([^,]*)");

    @ParameterizedTest
    @ValueSource(strings = {
            "2001-01-01T00:01,33,2176,LAS,PHL", "2001-01-01T00:01,-999999,999999,A,B", "2001-01-01T00:01,0,0,,",
            "2001-01-01T00:01,-0,007,LAS,", "2001-01-01T00:01,1,2,LAS PHL,x y", "", ",", "2001-01-01T00:01",
            "2001-01-01T00:01,33,2176,LAS", "2001-01-01T00:01,33,2176,LAS,PHL,", "2001-01-01T00:01,1234567,1,A,B",
            "2001-01-01T00:01,1,1234567,A,B", "2001-01-01T00:01,+1,1,A,B", "2001-01-01T00:01,-,1,A,B",
            "2001-01-01T00:01,1,-1,A,B", "2001-01-01T00:01, 1,1,A,B", "2001-1-01T00:01,1,1,A,B",
            "2001-01-01 00:01,1,1,A,B", "2001-01-01T00:1,1,1,A,B", "20010-01-01T00:01,1,1,A,B",
            "2001-01-01T00:01,1,1,A,B\u00e9", "\uff12001-01-01T00:01,1,1,A,B", "2001-01-01T00:01,,1,A,B",
            "2001-01-01T00:01,1,,A,B", "2001-01-01T00:01x,1,1,A,B"})
    void shouldAgreeWithTheRegexWhenRowIsAwkward(String row) {
        byte[] bytes = row.getBytes(StandardCharsets.ISO_8859_1);
        byte[] padded = new byte[bytes.length + 6];
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        FlightRow parsed = new FlightRow();

        boolean matched = parsed.match(padded, 3, bytes.length);

        var m = GRAMMAR.matcher(new String(bytes, StandardCharsets.ISO_8859_1));
        assertThat(matched).isEqualTo(m.matches());
        if (matched) {
            assertThat(parsed.delay).isEqualTo(Integer.parseInt(m.group(2)));
            assertThat(parsed.distance).isEqualTo(Integer.parseInt(m.group(3)));
            assertThat(new String(padded, parsed.originOffset, parsed.originLength, StandardCharsets.ISO_8859_1))
                    .isEqualTo(m.group(4));
            assertThat(new String(padded, parsed.destinationOffset, parsed.destinationLength,
                    StandardCharsets.ISO_8859_1)).isEqualTo(m.group(5));
        }
    }
}
