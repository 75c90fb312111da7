package dev.hybridetl.test.internal;

import org.opentest4j.AssertionFailedError;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Byte-exact comparison of two LF-separated outputs that, when they differ, says at which line and how. */
public final class LineDiff {
    private static final int SHOWN_CHARS = 300;

    private LineDiff() {
    }

    /**
     * @throws AssertionFailedError naming {@code what}, the first line that differs and both versions of it (the
     *                              whole texts go in as expected and actual, for an IDE's diff view)
     */
    public static void assertSameBytes(String what, String expectedName, byte[] expected, String actualName,
                                       byte[] actual) {
        if (Arrays.equals(expected, actual)) {
            return;
        }
        String[] e = lines(expected);
        String[] a = lines(actual);
        int line = 0;
        while (line < e.length && line < a.length && e[line].equals(a[line])) {
            line++;
        }
        String message = what + " differ at line " + (line + 1) + " (" + expectedName + ": " + count(expected)
                + ", " + actualName + ": " + count(actual) + ")\n  " + expectedName + ": " + show(e, line)
                + "\n  " + actualName + ": " + show(a, line);
        throw new AssertionFailedError(message, text(expected), text(actual));
    }

    private static String[] lines(byte[] bytes) {
        return text(bytes).split("\n", -1);
    }

    private static String count(byte[] bytes) {
        int n = 0;
        for (byte b : bytes) {
            n += b == '\n' ? 1 : 0;
        }
        boolean unterminated = bytes.length > 0 && bytes[bytes.length - 1] != '\n';
        return n + (unterminated ? 1 : 0) + " lines, " + bytes.length + " bytes"
                + (unterminated ? ", no LF at the end" : "");
    }

    private static String show(String[] lines, int i) {
        if (i >= lines.length || i == lines.length - 1 && lines[i].isEmpty()) {
            return "(end of output)";
        }
        String line = lines[i];
        String shown = line.length() > SHOWN_CHARS ? line.substring(0, SHOWN_CHARS) + "... (" + line.length()
                + " chars)" : line;
        return "\"" + shown.replace("\t", "\\t").replace("\r", "\\r") + "\"";
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
