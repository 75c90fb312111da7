package dev.hybridetl.io.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpRecordTest {

    @Test
    void shouldDecodeWhatItEncodesWithABodyOfAnyBytes() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "text/html; charset=utf-8");
        headers.put("content-language", "de");
        byte[] body = "line one\n\nline three\r\n\u0000é".getBytes(StandardCharsets.UTF_8);
        HttpRecord record = new HttpRecord("http://a.example/ü?x=1", "http://a.example/b", 203, headers, body);

        byte[] bytes = record.encode();
        byte[] framed = new byte[bytes.length + 6];
        System.arraycopy(bytes, 0, framed, 3, bytes.length);
        HttpRecord decoded = HttpRecord.decode(framed, 3, bytes.length);

        assertThat(decoded).isEqualTo(record);
        assertThat(decoded.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(decoded.header("last-modified")).isNull();
        assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("url: http://a.example/ü?x=1\n"
                + "final-url: http://a.example/b\nstatus: 203\ncontent-type: text/html; charset=utf-8\n"
                + "content-language: de\n\nline one\n");
    }

    @Test
    void shouldRefuseBytesThatAreNotARecord() {
        for (String bad : new String[]{"", "url: x\nfinal-url: y\nstatus: 200\n", "no colon\n\n",
                "url: x\nstatus: 200\n\nbody", "url: x\nfinal-url: y\nstatus: ok\n\n"}) {
            byte[] bytes = bad.getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> HttpRecord.decode(bytes, 0, bytes.length)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldRefuseAHeaderValueWithALineBreak() {
        assertThatThrownBy(() -> new HttpRecord("http://a/\nstatus: 500", "http://a/", 200, Map.of(), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line break");
    }
}
