package dev.hybridetl.io.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the URL list line by line, with blocking calls (it runs on the run's blocking scheduler). Lines end with
 * {@code LF} or {@code CRLF}; blank lines and {@code #} comments are skipped. A line longer than
 * {@link #MAX_LINE_BYTES} is cut there and flagged, so a list without line breaks cannot fill the heap.
 *
 * <p>Not thread-safe: one reader, one thread at a time (Reactor's {@code generate} serialises the calls).
 */
final class UrlLines implements AutoCloseable {
    /** Longer lines are bad URLs; also the longest redirect target followed. */
    static final int MAX_LINE_BYTES = 4096;

    private final InputStream in;
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private long lineNumber;
    private long offset;

    private UrlLines(InputStream in) {
        this.in = in;
    }

    /** Blocking: opens the list. */
    static UrlLines open(Path path) throws IOException {
        return new UrlLines(new BufferedInputStream(Files.newInputStream(path), 64 * 1024));
    }

    /** Blocking: the next URL line, or null at the end of the list. */
    UrlLine next() throws IOException {
        while (true) {
            int length = 0;
            boolean tooLong = false;
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                offset++;
                if (length < MAX_LINE_BYTES) {
                    line[length++] = (byte) b;
                } else {
                    tooLong = true;
                }
            }
            if (b < 0 && length == 0 && !tooLong) {
                return null;
            }
            if (b == '\n') {
                offset++;
            }
            lineNumber++;
            String text = new String(line, 0, length, StandardCharsets.UTF_8).strip();
            if (!text.isEmpty() && !text.startsWith("#")) {
                return new UrlLine(lineNumber, text, tooLong, offset);
            }
            if (b < 0) {
                return null;
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
