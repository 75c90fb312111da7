package dev.hybridetl.io.http;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class UrlsTest {
    @TempDir
    Path dir;

    @Test
    void shouldAcceptOnlyAbsoluteHttpUrlsWithAHost() {
        assertThat(Urls.parse("HTTP://Example.org")).hasToString("http://Example.org/");
        assertThat(Urls.parse("https://example.org/a/./b/../c?q=1#frag")).hasToString("https://example.org/a/c?q=1");
        assertThat(Urls.parse("http://127.0.0.1:8080/x%20y")).hasToString("http://127.0.0.1:8080/x%20y");
        for (String bad : new String[]{"example.org/a", "/relative", "ftp://example.org/", "mailto:a@b", "http://",
                "http:///path", "not a url", "http://exa mple.org/", "http://example.org/" + "a".repeat(5000)}) {
            assertThat(Urls.parse(bad)).as(bad).isNull();
        }
    }

    @Test
    void shouldResolveALocationAgainstTheUrlThatRedirected() {
        URI base = URI.create("http://example.org/a/b?x=1");
        assertThat(Urls.resolve(base, "c")).hasToString("http://example.org/a/c");
        assertThat(Urls.resolve(base, "/d#f")).hasToString("http://example.org/d");
        assertThat(Urls.resolve(base, "//other.example/e")).hasToString("http://other.example/e");
        assertThat(Urls.resolve(base, "ftp://example.org/")).isNull();
        assertThat(Urls.resolve(base, "")).isNull();
        assertThat(Urls.resolve(base, null)).isNull();
    }

    @Test
    void shouldSkipBlankLinesAndCommentsAndKeepLineNumbers() throws IOException {
        Path list = dir.resolve("urls.txt");
        Files.write(list, ("# comment\r\n\r\n  http://a/ \r\n\t\nhttp://b/\n" + "x".repeat(UrlLines.MAX_LINE_BYTES + 10)
                + "\nhttp://c/").getBytes(StandardCharsets.UTF_8));
        List<UrlLine> lines = new ArrayList<>();
        try (UrlLines urls = UrlLines.open(list)) {
            for (UrlLine l = urls.next(); l != null; l = urls.next()) {
                lines.add(l);
            }
        }
        assertThat(lines).extracting(UrlLine::number, UrlLine::text, UrlLine::tooLong).containsExactly(
                org.assertj.core.groups.Tuple.tuple(3L, "http://a/", false),
                org.assertj.core.groups.Tuple.tuple(5L, "http://b/", false),
                org.assertj.core.groups.Tuple.tuple(6L, "x".repeat(UrlLines.MAX_LINE_BYTES), true),
                org.assertj.core.groups.Tuple.tuple(7L, "http://c/", false));
        assertThat(lines.get(3).endOffset()).isEqualTo(Files.size(list));
    }
}
