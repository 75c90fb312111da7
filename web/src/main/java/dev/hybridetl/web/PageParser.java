package dev.hybridetl.web;

import dev.hybridetl.io.http.HttpRecord;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The facts of one page, read with jsoup (an HTML5 parser: malformed markup is repaired as browsers do, never
 * refused). Everything it reports depends only on the record's bytes, so a page gives the same facts on any worker.
 *
 * <ul>
 *   <li><b>charset</b>: the {@code Content-Type} header's, if Java knows it; else what jsoup finds (a byte-order
 *       mark, a {@code <meta charset>}); else UTF-8.</li>
 *   <li><b>title</b>: the {@code <title>}'s text, whitespace collapsed; null if there is none or it is empty.</li>
 *   <li><b>lang</b>: {@code <html lang>}, else the {@code Content-Language} header's first tag, lower-case.</li>
 *   <li><b>links</b>: distinct targets of {@code <a href>}, resolved against the page's final URL (or its
 *       {@code <base href>}), http(s) only, without fragment, normalised ({@link URI#normalize()}, lower-case scheme
 *       and host), in document order.</li>
 *   <li><b>words</b>: whitespace-separated tokens of the body's text that hold a letter or digit.</li>
 * </ul>
 */
final class PageParser {
    private PageParser() {
    }

    /** The facts of {@code page}; never fails for malformed HTML. */
    static PageFacts parse(HttpRecord page) {
        Charset declared = declaredCharset(page.header("content-type"));
        Document doc;
        try {
            doc = Jsoup.parse(new ByteArrayInputStream(page.body()), declared == null ? null : declared.name(),
                    page.finalUrl());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: the bytes are in memory
        }
        String title = doc.title().strip();
        return new PageFacts(doc.charset().name(), title.isEmpty() ? null : title, language(doc, page),
                links(doc), words(doc.body() == null ? "" : doc.body().text()));
    }

    /** Whether a {@code Content-Type} (null if absent) names HTML, or nothing at all. */
    static boolean isHtml(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return true;
        }
        String mime = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mime.equals("text/html") || mime.equals("application/xhtml+xml");
    }

    private static Charset declaredCharset(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String part : contentType.split(";")) {
            String p = part.strip();
            if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                String name = p.substring(8).strip().replace("\"", "").replace("'", "");
                try {
                    return Charset.isSupported(name) ? Charset.forName(name) : null;
                } catch (IllegalCharsetNameException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static String language(Document doc, HttpRecord page) {
        Element html = doc.selectFirst("html");
        String lang = html == null ? "" : html.attr("lang").strip();
        if (lang.isEmpty()) {
            String header = page.header("content-language");
            lang = header == null ? "" : header.split(",", 2)[0].strip();
        }
        return lang.isEmpty() ? null : lang.toLowerCase(Locale.ROOT);
    }

    private static Set<String> links(Document doc) {
        Set<String> links = new LinkedHashSet<>();
        for (Element a : doc.select("a[href]")) {
            String normal = normalise(a.absUrl("href"));
            if (normal != null) {
                links.add(normal);
            }
        }
        return links;
    }

    /** An absolute http(s) URL in normal form without fragment, or null. */
    static String normalise(String absolute) {
        if (absolute.isEmpty()) {
            return null;
        }
        try {
            URI uri = new URI(absolute);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getRawAuthority() == null) {
                return null;
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String authority = uri.getHost() == null ? uri.getRawAuthority()
                    : uri.getRawAuthority().replace(uri.getHost(), uri.getHost().toLowerCase(Locale.ROOT));
            return new URI(scheme + "://" + authority + path + (uri.getRawQuery() == null ? "" : "?"
                    + uri.getRawQuery())).normalize().toString();
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static int words(String text) {
        int words = 0;
        boolean counted = false; // the current token already counts
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                counted = false;
            } else if (!counted && Character.isLetterOrDigit(cp)) {
                words++;
                counted = true;
            }
        }
        return words;
    }
}
