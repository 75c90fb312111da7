package dev.hybridetl.web;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;
import dev.hybridetl.io.http.HttpRecord;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The crawler's CPU stage: each {@link HttpRecord} of the HTTP source becomes one JSON line, with the fields in this
 * order:
 *
 * <pre>
 *   url          the URL as listed            final_url   where it ended after redirects
 *   status       the HTTP status              title       the page's title, or null
 *   lang         language hint, or null       charset     the charset the body was decoded with
 *   words        the body's word count        bytes       the body's size, decoded from gzip
 *   sha256       hex SHA-256 of the body      link_count  distinct outgoing http(s) links
 *   links        the first max-links of them, normalised, in document order
 * </pre>
 *
 * <p>Rejects: {@code not_html} (a {@code Content-Type} that is neither HTML nor XHTML) and {@code bad_record} (bytes
 * that are not an {@link HttpRecord}); their raw bytes are the URL (the record's first line, for a bad record).
 * See {@link PageParser} for how each fact is found.
 *
 * <p>Not thread-safe: one instance per worker thread or process, as {@link Transform} promises.
 */
final class WebPageTransform implements Transform {
    static final String MAX_LINKS_KEY = "max-links";
    static final int DEFAULT_MAX_LINKS = 100;
    static final String NOT_HTML = "not_html";
    static final String BAD_RECORD = "bad_record";

    private final JsonText json = new JsonText();
    private final MessageDigest sha256;
    private int maxLinks = DEFAULT_MAX_LINKS;

    WebPageTransform() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e); // every Java SE platform has it
        }
    }

    /**
     * The {@value #MAX_LINKS_KEY} setting.
     *
     * @throws IllegalArgumentException if it is not a whole number from 0 up
     */
    static int maxLinks(Map<String, String> config) {
        String value = config.get(MAX_LINKS_KEY);
        if (value == null) {
            return DEFAULT_MAX_LINKS;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("config key '" + MAX_LINKS_KEY + "' must be a whole number from 0 up, was '"
                + value + "'");
    }

    @Override
    public void open(TransformContext context) {
        if (!context.header().equals(HttpRecord.FORMAT)) {
            throw new IllegalArgumentException("web-page reads the records of the HTTP source (--source http), whose"
                    + " header is '" + HttpRecord.FORMAT + "'; this input's header is '" + context.header() + "'");
        }
        maxLinks = maxLinks(context.config());
    }

    @Override
    public void process(RecordBatch in, RecordBatchBuilder out) {
        byte[] data = in.data();
        for (int i = 0; i < in.size(); i++) {
            long position = in.position(i);
            HttpRecord page;
            try {
                page = HttpRecord.decode(data, in.offset(i), in.length(i));
            } catch (IllegalArgumentException e) {
                int end = in.offset(i);
                while (end < in.offset(i) + in.length(i) && data[end] != '\n') {
                    end++;
                }
                out.reject(position, BAD_RECORD, data, in.offset(i), end - in.offset(i));
                continue;
            }
            if (!PageParser.isHtml(page.header("content-type"))) {
                byte[] url = page.url().getBytes(StandardCharsets.UTF_8);
                out.reject(position, NOT_HTML, url, 0, url.length);
                continue;
            }
            byte[] line = line(page, PageParser.parse(page)).getBytes(StandardCharsets.UTF_8);
            out.add(position, line, 0, line.length);
        }
    }

    private String line(HttpRecord page, PageFacts facts) {
        List<String> listed = new ArrayList<>(Math.min(maxLinks, facts.links().size()));
        for (String link : facts.links()) {
            if (listed.size() == maxLinks) {
                break;
            }
            listed.add(link);
        }
        return json.begin()
                .field("url", page.url())
                .field("final_url", page.finalUrl())
                .field("status", page.status())
                .field("title", facts.title())
                .field("lang", facts.lang())
                .field("charset", facts.charset())
                .field("words", facts.words())
                .field("bytes", page.body().length)
                .field("sha256", HexFormat.of().formatHex(sha256.digest(page.body())))
                .field("link_count", facts.links().size())
                .field("links", listed)
                .end();
    }
}
