package dev.hybridetl.test.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Splits text into lines the way the file source does ({@code LF}, {@code CRLF} or a lone {@code CR}, as
 * {@code BufferedReader.readLine} splits them), byte-transparent: no charset is involved.
 */
public final class Lines {
    private Lines() {
    }

    /** The lines of {@code text}, without terminators; a last line without terminator counts, an empty tail not. */
    public static List<byte[]> split(byte[] text) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length; i++) {
            byte b = text[i];
            if (b == '\n' || b == '\r') {
                lines.add(Arrays.copyOfRange(text, start, i));
                if (b == '\r' && i + 1 < text.length && text[i + 1] == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < text.length) {
            lines.add(Arrays.copyOfRange(text, start, text.length));
        }
        return lines;
    }

    /** The lines of a file, gunzipped first if its name ends in {@code .gz} or it starts with the gzip magic. */
    public static List<byte[]> read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            boolean gzip = file.getFileName().toString().endsWith(".gz")
                    || bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
            if (gzip) {
                try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
                    bytes = in.readAllBytes();
                }
            }
            return split(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Each string as its ISO-8859-1 bytes (chars above U+00FF are not representable). */
    public static List<byte[]> bytes(List<String> lines) {
        List<byte[]> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            out.add(line.getBytes(StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    /** Bytes as text, one char per byte (ISO-8859-1: byte-transparent). */
    public static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
