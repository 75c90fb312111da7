package dev.hybridetl.io.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One fetched HTTP response as a pipeline record: the format {@link HttpSource} writes and a transform of web pages
 * reads. Its one encoder and its one decoder are here, so the two sides cannot drift apart.
 *
 * <p>A record is a block of header lines, an empty line, and the body, like an HTTP message (records are opaque
 * bytes to the pipeline, so the body may hold line breaks):
 *
 * <pre>
 *   url: http://example.org/a        the URL as requested (the input line, trimmed)
 *   final-url: http://example.org/b  where it ended after redirects
 *   status: 200
 *   content-type: text/html; charset=utf-8      selected response headers, lower-case names, in this order,
 *   content-language: en                        each only if the response had it: see {@link #SELECTED_HEADERS}
 *   last-modified: ...
 *   (empty line)
 *   body bytes, decoded from gzip or deflate, up to the end of the record
 * </pre>
 *
 * <p>Each header line is {@code name ": " value LF}, in UTF-8; names are lower-case ASCII and values never hold a line
 * break (Netty refuses them in responses; URLs are ASCII). The source's header line
 * ({@code SourceReader.header()}) is {@link #FORMAT}: a transform checks it and refuses records of another version.
 *
 * @param url the URL as requested
 * @param finalUrl the URL that answered, after redirects (equal to {@code url}'s normal form when none)
 * @param status the HTTP status code of the final response
 * @param headers selected response headers by lower-case name, in the order of {@link #SELECTED_HEADERS}
 * @param body the response body, decoded from its content encoding; not copied: do not modify
 */
public record HttpRecord(String url, String finalUrl, int status, Map<String, String> headers, byte[] body) {
    /** The source's header line: names this format and its version. */
    public static final String FORMAT = "hybrid-etl-http-response/1";
    /** The response headers a record carries, when the response has them. */
    public static final String[] SELECTED_HEADERS = {"content-type", "content-language", "last-modified"};

    private static final String URL = "url";
    private static final String FINAL_URL = "final-url";
    private static final String STATUS = "status";

    public HttpRecord {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(finalUrl, "finalUrl");
        Objects.requireNonNull(body, "body");
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        for (Map.Entry<String, String> h : headers.entrySet()) {
            requireOneLine(h.getKey(), h.getValue());
        }
        requireOneLine(URL, url);
        requireOneLine(FINAL_URL, finalUrl);
    }

    private static void requireOneLine(String name, String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("header " + name + " holds a line break: " + value);
        }
    }

    /** The value of a selected response header (lower-case name), or null if the response had none. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The record's bytes, as the source writes them. */
    public byte[] encode() {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        line(head, URL, url);
        line(head, FINAL_URL, finalUrl);
        line(head, STATUS, Integer.toString(status));
        for (Map.Entry<String, String> h : headers.entrySet()) {
            line(head, h.getKey(), h.getValue());
        }
        head.write('\n');
        // The head, then the body copied once into the same array (through the stream, a body was copied into it,
        // then again by toByteArray, and more whenever the head outgrew the stream's first guess).
        byte[] headBytes = head.toByteArray();
        byte[] record = Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, record, headBytes.length, body.length);
        return record;
    }

    private static void line(ByteArrayOutputStream out, String name, String value) {
        out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        out.write(':');
        out.write(' ');
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
    }

    /**
     * Reads one record. The body is copied out of {@code data}.
     *
     * @throws IllegalArgumentException with a one-line reason if the bytes are not a record of this format
     */
    public static HttpRecord decode(byte[] data, int offset, int length) {
        int end = offset + length;
        int pos = offset;
        String url = null;
        String finalUrl = null;
        int status = -1;
        Map<String, String> headers = new LinkedHashMap<>();
        while (true) {
            int lf = indexOf(data, pos, end, (byte) '\n');
            if (lf < 0) {
                throw new IllegalArgumentException("no empty line ends the record's header block");
            }
            if (lf == pos) {
                pos = lf + 1;
                break;
            }
            String line = new String(data, pos, lf - pos, StandardCharsets.UTF_8);
            int colon = line.indexOf(": ");
            if (colon <= 0) {
                throw new IllegalArgumentException("not a 'name: value' header line: " + line);
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 2);
            switch (name) {
                case URL -> url = value;
                case FINAL_URL -> finalUrl = value;
                case STATUS -> status = parseStatus(value);
                default -> headers.put(name, value);
            }
            pos = lf + 1;
        }
        if (url == null || finalUrl == null || status < 0) {
            throw new IllegalArgumentException("the record lacks one of url, final-url, status");
        }
        return new HttpRecord(url, finalUrl, status, headers, Arrays.copyOfRange(data, pos, end));
    }

    private static int parseStatus(String value) {
        try {
            int status = Integer.parseInt(value);
            if (status >= 100 && status <= 999) {
                return status;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("status is not a three-digit code: " + value);
    }

    private static int indexOf(byte[] data, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpRecord r && r.url.equals(url) && r.finalUrl.equals(finalUrl) && r.status == status
                && r.headers.equals(headers) && Arrays.equals(r.body, body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, finalUrl, status, headers) * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "HttpRecord{" + url + " -> " + finalUrl + ", status=" + status + ", headers=" + headers
                + ", body=" + body.length + " bytes}";
    }
}
