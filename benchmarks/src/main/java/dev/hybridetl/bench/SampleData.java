package dev.hybridetl.bench;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The head of the bundled flights sample ({@code samples/flights-200k.csv.gz}, packed into the benchmarks jar), as
 * the header line and record batches like the ones the file source produces. Read once per benchmark
 * {@code @Setup}, never inside a measured method.
 */
public final class SampleData {
    /** Class-path location of the bundled sample. */
    public static final String SAMPLE_RESOURCE = "/samples/flights-200k.csv.gz";

    private final String header;
    private final List<byte[]> lines;

    private SampleData(String header, List<byte[]> lines) {
        this.header = header;
        this.lines = lines;
    }

    /**
     * Reads the header and the first {@code rows} data lines of the bundled sample.
     *
     * @throws UncheckedIOException if the sample is missing from the class path or unreadable
     */
    public static SampleData head(int rows) {
        try (InputStream raw = SampleData.class.getResourceAsStream(SAMPLE_RESOURCE)) {
            if (raw == null) {
                throw new IOException(SAMPLE_RESOURCE + " is not on the class path (run from benchmarks.jar)");
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw, 1 << 16),
                    StandardCharsets.ISO_8859_1), 1 << 16);
            String header = in.readLine();
            List<byte[]> lines = new ArrayList<>(rows);
            String line;
            while (lines.size() < rows && (line = in.readLine()) != null) {
                lines.add(line.getBytes(StandardCharsets.ISO_8859_1));
            }
            return new SampleData(header == null ? "" : header, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CSV header line. */
    public String header() {
        return header;
    }

    /** Number of data lines read. */
    public int rows() {
        return lines.size();
    }

    /** All lines as one batch with sequence 0; positions are line numbers (the header is line 1). */
    public RecordBatch batch() {
        return batch(0, 0, lines.size());
    }

    /** Lines {@code [from, from + count)} as one batch carrying {@code sequence}. */
    public RecordBatch batch(long sequence, int from, int count) {
        int bytes = 0;
        for (int i = from; i < from + count; i++) {
            bytes += lines.get(i).length;
        }
        RecordBatchBuilder b = RecordBatch.builder(sequence, bytes, count);
        for (int i = from; i < from + count; i++) {
            byte[] line = lines.get(i);
            b.add(i + 2L, line, 0, line.length);
        }
        return b.build();
    }
}
