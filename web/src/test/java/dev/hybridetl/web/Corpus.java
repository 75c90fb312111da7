package dev.hybridetl.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The generated crawl corpus: what each path serves, and, from the same definition, what a crawl of it must give.
 * The expected facts (title, words, links) are written down from the definition here, not computed by the code
 * under test.
 *
 * <p>Paths are {@code /KIND/ID}: {@code page} answers at once, {@code slow} after {@link #SLOW_DELAY}, {@code flaky}
 * fails {@link #FLAKY_FAILURES} times with 503 first, {@code limited} answers 429 with {@code Retry-After: 1} first,
 * {@code redirect} redirects (relative Location) to {@code /page/ID}, {@code loop} redirects between
 * {@code /loop/0} and {@code /loop/1}, {@code gzip} is gzip-encoded, {@code big-declared} and {@code big-chunked} are
 * {@link #BIG_BYTES} with and without a Content-Length, {@code hang} never answers, {@code failing} always answers
 * 500, {@code data} is JSON, and anything else is 404.
 */
final class Corpus {
    static final Duration SLOW_DELAY = Duration.ofMillis(300);
    static final int FLAKY_FAILURES = 2;
    static final int BIG_BYTES = 512 * 1024;

    enum Kind {
        PAGE, SLOW, FLAKY, LIMITED, REDIRECT, LOOP, GZIP, BIG_DECLARED, BIG_CHUNKED, HANG, ALWAYS_FAILING, JSON
    }

    record Route(Kind kind, int id) {
    }

    private Corpus() {
    }

    static Route route(String path) {
        String[] parts = path.split("/");
        if (parts.length != 3 || !parts[0].isEmpty()) {
            return null;
        }
        int id;
        try {
            id = Integer.parseInt(parts[2]);
        } catch (NumberFormatException e) {
            return null;
        }
        Kind kind = switch (parts[1]) {
            case "page" -> Kind.PAGE;
            case "slow" -> Kind.SLOW;
            case "flaky" -> Kind.FLAKY;
            case "limited" -> Kind.LIMITED;
            case "redirect" -> Kind.REDIRECT;
            case "loop" -> Kind.LOOP;
            case "gzip" -> Kind.GZIP;
            case "big-declared" -> Kind.BIG_DECLARED;
            case "big-chunked" -> Kind.BIG_CHUNKED;
            case "hang" -> Kind.HANG;
            case "failing" -> Kind.ALWAYS_FAILING;
            case "data" -> Kind.JSON;
            default -> null;
        };
        return kind == null ? null : new Route(kind, id);
    }

    static String redirectTarget(int id) {
        return "/page/" + id;
    }

    /** The page of {@code id}; its facts are {@link #title}, {@link #lang}, {@link #words}, {@link #links}. */
    static byte[] pageHtml(int id) {
        StringBuilder words = new StringBuilder();
        for (int k = 0; k < paragraphWords(id); k++) {
            words.append(k % 2 == 0 ? " w" : "\n  w").append(id).append('x').append(k);
        }
        String html = "<!DOCTYPE html>\n<html lang=\"" + lang(id).toUpperCase(java.util.Locale.ROOT) + "\"><head>"
                + "<meta charset=\"utf-8\"><title>  Page " + id + " &amp;\n friends </title></head><body>"
                + "<p>" + words + "</p>"
                + "<a href=\"/page/" + (id + 1) + "\">next</a> "
                + "<a href=\"HTTP://Example.COM/a/../b/" + id + "?q=1#top\">out</a> "
                + "<a href=\"/page/" + (id + 1) + "#again\">next again</a> "
                + "<a href=\"mailto:someone@example.com\">mail</a> "
                + "<a href=\"javascript:void(0)\">js</a>"
                + "<p>—</p></body></html>";
        return html.getBytes(StandardCharsets.UTF_8);
    }

    static String title(int id) {
        return "Page " + id + " & friends";
    }

    static String lang(int id) {
        return id % 3 == 0 ? "de" : "en-gb";
    }

    /** The body's words: those of the paragraph, and the six of the link texts ("—" is no word). */
    static int words(int id) {
        return paragraphWords(id) + 6;
    }

    private static int paragraphWords(int id) {
        return 3 + id % 7;
    }

    /** The page's distinct outgoing links, normalised, as the page served at {@code base} (scheme://host:port). */
    static List<String> links(String base, int id) {
        Set<String> links = new LinkedHashSet<>();
        links.add(base + "/page/" + (id + 1));
        links.add("http://example.com/b/" + id + "?q=1");
        return new ArrayList<>(links);
    }
}
