package dev.hybridetl.flights;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;
import dev.hybridetl.api.Transforms;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transform alone (no pipeline) against the known answers of docs/jobs/flights.md on the 200k head, and
 * byte for byte against the edge-case outputs made by the independent Python reference (samples/flights_reference.py).
 */
class FlightsKnownAnswersTest {
    private static final Path SAMPLE = Path.of("../samples/flights-200k.csv.gz");
    private static final Path EDGE_CASES = Path.of("../samples/flights-edge-cases.csv");
    private static final String HEADER = "date,delay,distance,origin,destination";
    /** Batches of this many rows (a default 64 KiB batch holds about 2,000): 50 batches over the 200k head. */
    private static final int RECORDS_PER_BATCH = 4000;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "flights-enrich, d2832c7f7c5318bac11834162e261764e4f5a81307724fb169928f2b92683918, 6c0aa1d47888ec34",
            "flights-route,  c2ba398a678f649a666ead33131f1c9669b2385549f5f66ba5e0245c89ae5227, 106d7623"})
    void shouldMatchKnownAnswersWhenRunOnThe200kHead(String id, String sortedSha256, String fileSha256Prefix)
            throws Exception {
        Output out = run(id, rows(SAMPLE));

        assertThat(out.lines).hasSize(200_000);
        assertThat(out.rejects.size()).isZero();
        assertThat(sha256(out.file())).startsWith(fileSha256Prefix);
        List<byte[]> sorted = new ArrayList<>(out.lines);
        sorted.sort(Arrays::compareUnsigned); // = LC_ALL=C sort
        assertThat(sha256(concat(sorted))).isEqualTo(sortedSha256);
    }

    @ParameterizedTest
    @ValueSource(strings = {"enrich", "route"})
    void shouldMatchTheIndependentReferenceWhenRowsAreEdgeCases(String variant) throws Exception {
        List<byte[]> rows = rows(EDGE_CASES);

        Output out = run("flights-" + variant, rows);

        assertThat(out.file()).isEqualTo(Files.readAllBytes(Path.of("../samples/flights-edge-cases." + variant + ".jsonl")));
        assertThat(out.rejects.toByteArray())
                .isEqualTo(Files.readAllBytes(Path.of("../samples/flights-edge-cases.rejects.tsv")));
        assertThat(out.lines.size() + out.rejectCount).isEqualTo(rows.size());
    }

    private record Output(List<byte[]> lines, ByteArrayOutputStream rejects, int rejectCount) {
        byte[] file() {
            return concat(lines);
        }
    }

    private static Output run(String id, List<byte[]> rows) throws Exception {
        List<byte[]> lines = new ArrayList<>();
        ByteArrayOutputStream rejects = new ByteArrayOutputStream();
        int rejectCount = 0;
        // try/finally rather than try-with-resources: Transform.close() throws Exception, which -Xlint:try flags.
        Transform t = Transforms.get(id).create();
        try {
            t.open(new TransformContext(id, Map.of(), HEADER, 0));
            for (int first = 0; first < rows.size(); first += RECORDS_PER_BATCH) {
                RecordBatchBuilder in = RecordBatch.builder(first / RECORDS_PER_BATCH);
                for (int i = first; i < Math.min(rows.size(), first + RECORDS_PER_BATCH); i++) {
                    in.add(i + 2L, rows.get(i), 0, rows.get(i).length); // position = line number, header is line 1
                }
                RecordBatchBuilder out = RecordBatch.builder(first / RECORDS_PER_BATCH);
                t.process(in.build(), out);
                RecordBatch result = out.build();
                for (int i = 0; i < result.size(); i++) {
                    byte[] line = Arrays.copyOf(result.recordCopy(i), result.length(i) + 1);
                    line[line.length - 1] = '\n';
                    lines.add(line);
                }
                for (Reject r : result.rejects()) {
                    rejects.write((r.reason() + '\t').getBytes(StandardCharsets.US_ASCII));
                    rejects.write(r.raw());
                    rejects.write('\n');
                    rejectCount++;
                }
            }
        } finally {
            t.close();
        }
        return new Output(lines, rejects, rejectCount);
    }

    /** Data rows (header skipped), split as BufferedReader.readLine does: LF, CRLF or a lone CR. */
    private static List<byte[]> rows(Path file) throws IOException {
        byte[] d;
        try (InputStream in = file.toString().endsWith(".gz")
                ? new GZIPInputStream(Files.newInputStream(file)) : Files.newInputStream(file)) {
            d = in.readAllBytes();
        }
        List<byte[]> rows = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == '\n' || d[i] == '\r') {
                rows.add(Arrays.copyOfRange(d, start, i));
                if (d[i] == '\r' && i + 1 < d.length && d[i + 1] == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < d.length) {
            rows.add(Arrays.copyOfRange(d, start, d.length)); // a last row without terminator is still a row
        }
        return rows.subList(1, rows.size());
    }

    private static byte[] concat(List<byte[]> lines) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        lines.forEach(all::writeBytes);
        return all.toByteArray();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
