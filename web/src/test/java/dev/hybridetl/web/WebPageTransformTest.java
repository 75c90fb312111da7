package dev.hybridetl.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.TransformContext;
import dev.hybridetl.io.http.HttpRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The web-page transform on single pages: awkward HTML, charsets, missing parts, records it must refuse. */
class WebPageTransformTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String URL = "http://example.org/dir/page.html";

    @Test
    void shouldRepairMalformedHtmlAndStillFindTheTitleAndLinks() throws Exception {
        String html = "<html><head><title>Broken <b>page</title><body><p>one two<div>three <a href=../x.html>x"
                + "<a href='HTTP://Other.EXAMPLE/./y?z#f'>y</a><a href=\"#top\">top</a><a href=\"\">self</a>"
                + "</table></p>";
        JsonNode page = one(record("text/html", null, html.getBytes(StandardCharsets.UTF_8)));

        assertThat(page.get("title").asText()).isEqualTo("Broken <b>page");
        assertThat(page.get("words").asInt()).isEqualTo(4); // one two three xytopself: no space between the links
        assertThat(page.get("links")).extracting(JsonNode::asText).containsExactly(
                "http://example.org/x.html", "http://other.example/y?z", "http://example.org/dir/page.html");
        assertThat(page.get("link_count").asInt()).isEqualTo(3);
        assertThat(page.get("lang").isNull()).isTrue();
    }

    @Test
    void shouldDecodeWithTheHeadersCharsetOverTheDocumentsOwn() throws Exception {
        byte[] latin1 = ("<html><head><meta charset=utf-8><title>Café crème</title></head>"
                + "<body>Déjà vu</body></html>")
                .getBytes(StandardCharsets.ISO_8859_1);
        JsonNode page = one(record("text/html; charset=ISO-8859-1", null, latin1));

        assertThat(page.get("title").asText()).isEqualTo("Café crème");
        assertThat(page.get("charset").asText()).isEqualTo("ISO-8859-1");
        assertThat(page.get("words").asInt()).isEqualTo(2);
    }

    @Test
    void shouldFindTheCharsetInTheDocumentWhenTheHeaderHasNone() throws Exception {
        byte[] latin1 = "<html><head><meta charset=\"windows-1252\"><title>Naïve</title></head></html>"
                .getBytes(StandardCharsets.ISO_8859_1);
        JsonNode page = one(record("text/html", "FR-ca, en", latin1));

        assertThat(page.get("title").asText()).isEqualTo("Naïve");
        assertThat(page.get("charset").asText()).isEqualTo("windows-1252");
        assertThat(page.get("lang").asText()).isEqualTo("fr-ca");
    }

    @Test
    void shouldWriteNullForAMissingOrEmptyTitleAndCountNothingInAnEmptyBody() throws Exception {
        for (String html : new String[]{"", "<html><head><title>  </title></head></html>", "just text, no tags"}) {
            JsonNode page = one(record(null, null, html.getBytes(StandardCharsets.UTF_8)));
            assertThat(page.get("title").isNull()).as(html).isTrue();
            assertThat(page.get("link_count").asInt()).isZero();
        }
        JsonNode empty = one(record(null, null, new byte[0]));
        assertThat(empty.get("words").asInt()).isZero();
        assertThat(empty.get("bytes").asInt()).isZero();
        assertThat(empty.get("sha256").asText())
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void shouldEscapeTheTitleForJson() throws Exception {
        JsonNode page = one(record("text/html", null,
                "<title>\"quoted\" \\ back\u0001slash</title>".getBytes(StandardCharsets.UTF_8)));
        assertThat(page.get("title").asText()).isEqualTo("\"quoted\" \\ back\u0001slash");
    }

    @Test
    void shouldRejectWhatIsNotHtmlAndWhatIsNotARecord() throws Exception {
        RecordBatchBuilder in = RecordBatch.builder(0);
        byte[] json = record("application/json", null, "{}".getBytes(StandardCharsets.UTF_8)).encode();
        in.add(7, json, 0, json.length);
        byte[] garbage = "no header block\nat all".getBytes(StandardCharsets.UTF_8);
        in.add(8, garbage, 0, garbage.length);
        RecordBatch out = run(Map.of(), in.build());

        assertThat(out.size()).isZero();
        assertThat(out.rejects()).extracting(Reject::position, Reject::reason, Reject::rawText).containsExactly(
                org.assertj.core.groups.Tuple.tuple(7L, WebPageTransform.NOT_HTML, URL),
                org.assertj.core.groups.Tuple.tuple(8L, WebPageTransform.BAD_RECORD, "no header block"));
    }

    @Test
    void shouldListAtMostMaxLinksButCountThemAll() throws Exception {
        StringBuilder html = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            html.append("<a href=/l").append(i).append(">l</a>");
        }
        RecordBatchBuilder in = RecordBatch.builder(0);
        byte[] bytes = record("text/html", null, html.toString().getBytes(StandardCharsets.UTF_8)).encode();
        in.add(1, bytes, 0, bytes.length);
        JsonNode page = lines(run(Map.of(WebPageTransform.MAX_LINKS_KEY, "2"), in.build())).get(0);

        assertThat(page.get("link_count").asInt()).isEqualTo(5);
        assertThat(page.get("links")).extracting(JsonNode::asText)
                .containsExactly("http://example.org/l0", "http://example.org/l1");
    }

    @Test
    void shouldRefuseAnInputThatIsNotTheHttpSourcesAndABadMaxLinks() {
        assertThatThrownBy(() -> new WebPageTransform().open(new TransformContext("web-page", Map.of(), "a,b,c", 0)))
                .hasMessageContaining("--source http").hasMessageContaining(HttpRecord.FORMAT);
        assertThatThrownBy(() -> new WebPageProvider().validate(Map.of(WebPageTransform.MAX_LINKS_KEY, "-1")))
                .hasMessageContaining("max-links");
    }

    private static HttpRecord record(String contentType, String contentLanguage, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (contentType != null) {
            headers.put("content-type", contentType);
        }
        if (contentLanguage != null) {
            headers.put("content-language", contentLanguage);
        }
        return new HttpRecord(URL, URL, 200, headers, body);
    }

    private static JsonNode one(HttpRecord record) throws Exception {
        RecordBatchBuilder in = RecordBatch.builder(0);
        byte[] bytes = record.encode();
        in.add(1, bytes, 0, bytes.length);
        RecordBatch out = run(Map.of(), in.build());
        assertThat(out.rejects()).isEmpty();
        List<JsonNode> lines = lines(out);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).get("url").asText()).isEqualTo(URL);
        return lines.get(0);
    }

    private static RecordBatch run(Map<String, String> config, RecordBatch in) throws Exception {
        try (WebPageTransform t = new WebPageTransform()) {
            t.open(new TransformContext("web-page", config, HttpRecord.FORMAT, 0));
            RecordBatchBuilder out = RecordBatch.builder(in.sequence());
            t.process(in, out);
            return out.build();
        }
    }

    private static List<JsonNode> lines(RecordBatch out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            String line = new String(out.recordCopy(i), StandardCharsets.UTF_8);
            assertThat(line).doesNotContain("\n");
            lines.add(JSON.readTree(line));
        }
        return lines;
    }
}
