package dev.hybridetl.test.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The inputs of the compatibility kit's cases. */
public final class KitInputs {
    public static final String HEADER = "id,text";

    private KitInputs() {
    }

    /** {@code n} plain mixed-case records. */
    public static List<String> rows(int n) {
        List<String> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add("row " + i + ",Mixed Case text for batch order");
        }
        return rows;
    }

    /**
     * Lines (header first) that a copy through a placement could get wrong: empty records, every byte value but the
     * line terminators (NUL and 0x80..0xFF included), tabs and blanks, and one 200 KB record.
     */
    public static List<byte[]> awkward() {
        List<byte[]> lines = new ArrayList<>();
        lines.add("id,text,caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        byte[] everyByte = new byte[254];
        for (int b = 0, k = 0; b < 256; b++) {
            if (b != '\n' && b != '\r') {
                everyByte[k++] = (byte) b;
            }
        }
        for (int i = 0; i < 600; i++) {
            lines.add(switch (i % 10) {
                case 0 -> new byte[0];
                case 1 -> everyByte;
                case 2 -> " \t \t ".getBytes(StandardCharsets.US_ASCII);
                default -> (i == 305 ? "x".repeat(200_000) : "Row " + i + ": The Quick brown FOX, " + i * 7)
                        .getBytes(StandardCharsets.US_ASCII);
            });
        }
        return lines;
    }
}
