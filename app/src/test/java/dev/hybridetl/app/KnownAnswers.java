package dev.hybridetl.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** The known answers of docs/jobs/flights.md for the 200k head, and the two hashes they are stated in. */
final class KnownAnswers {
    static final Path SAMPLE = Path.of("../samples/flights-200k.csv.gz");
    static final Path EDGE_CASES = Path.of("../samples/flights-edge-cases.csv");

    static final String ENRICH_SORTED = "d2832c7f7c5318bac11834162e261764e4f5a81307724fb169928f2b92683918";
    static final String ENRICH_FILE_PREFIX = "6c0aa1d47888ec34";
    static final String ROUTE_SORTED = "c2ba398a678f649a666ead33131f1c9669b2385549f5f66ba5e0245c89ae5227";
    static final String ROUTE_FILE_PREFIX = "106d7623";

    private KnownAnswers() {
    }

    /** SHA-256 of the file as written. */
    static String fileSha256(Path file) throws IOException {
        return hex(sha256().digest(Files.readAllBytes(file)));
    }

    /** SHA-256 of the file's lines sorted bytewise, each with its '\n' (= {@code LC_ALL=C sort | sha256sum}). */
    static String sortedSha256(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                lines.add(Arrays.copyOfRange(all, start, i + 1));
                start = i + 1;
            }
        }
        if (start < all.length) {
            byte[] last = Arrays.copyOf(Arrays.copyOfRange(all, start, all.length), all.length - start + 1);
            last[last.length - 1] = '\n';
            lines.add(last);
        }
        lines.sort(Arrays::compareUnsigned);
        MessageDigest md = sha256();
        for (byte[] line : lines) {
            md.update(line);
        }
        return hex(md.digest());
    }

    static long lineCount(Path file) throws IOException {
        long n = 0;
        for (byte b : Files.readAllBytes(file)) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
