package dev.hybridetl.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** What a rolling sink committed in a directory, read the way a consumer reads it: complete parts, in order. */
final class StreamParts {
    private StreamParts() {
    }

    /** The committed record parts ({@code part-NNNNNN.jsonl}), in name order. */
    static List<Path> parts(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("part-\\d{6}\\.jsonl")).sorted().toList();
        }
    }

    /** Every line of every committed part, in order. */
    static List<String> lines(Path dir) throws IOException {
        List<String> all = new ArrayList<>();
        for (Path p : parts(dir)) {
            all.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
        }
        return all;
    }

    /** Every line of every committed rejects part, in order. */
    static List<String> rejectLines(Path dir) throws IOException {
        List<String> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().matches("part-\\d{6}\\.rejects\\.tsv"))
                    .sorted().toList()) {
                all.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
            }
        }
        return all;
    }

    /** Files that are not committed parts (temporary files a consumer must never see under a final name). */
    static List<String> others(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.matches("part-\\d{6}(\\.jsonl|\\.rejects\\.tsv)")).sorted().toList();
        }
    }

    /** The expected output of test-kit-upper for records {@code 1..n} of {@link StreamProducer}. */
    static List<String> upperCasedProducerLines(long n) {
        List<String> out = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            out.add(StreamProducer.line(i).toUpperCase(Locale.ROOT));
        }
        return out;
    }
}
