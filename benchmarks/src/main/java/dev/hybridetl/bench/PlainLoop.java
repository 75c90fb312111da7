package dev.hybridetl.bench;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;
import dev.hybridetl.api.Transforms;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The baseline with no pipeline: one thread reads the file with a {@link BufferedInputStream}, splits lines,
 * calls the transform from {@link Transforms#get} batch by batch, and writes with a {@link BufferedOutputStream}. No
 * event loop, no queues, no worker, no ordering machinery: what the pipeline's overhead is measured against.
 *
 * <p>Same contract as {@code pipeline-app run}: lines end with LF, CRLF or a lone CR, the first line is the header,
 * positions are line numbers (the header is line 1), output records end with LF, rejects are
 * {@code REASON TAB RAW LF}. Records longer than {@link Pipeline#DEFAULT_MAX_RECORD_BYTES} are not special-cased
 * (the flights data has none).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.hybridetl.bench.PlainLoop --input IN[.gz] --output OUT
 * --rejects REJ --transform ID}. Prints one summary line on stdout: records, rejects, wall seconds, records/s.
 */
public final class PlainLoop {
    private final Path input;
    private final Path output;
    private final Path rejects;
    private final String transformId;
    private final int batchBytes = Pipeline.DEFAULT_BATCH_BYTES;

    private Transform transform;
    private OutputStream out;
    private OutputStream rej;
    private RecordBatchBuilder batch;
    private long sequence;
    private long lineNumber;
    private long recordsIn;
    private long recordsOut;
    private long rejected;

    private PlainLoop(Path input, Path output, Path rejects, String transformId) {
        this.input = input;
        this.output = output;
        this.rejects = rejects;
        this.transformId = transformId;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        PlainLoop loop = new PlainLoop(Path.of(opts.get("--input")), Path.of(opts.get("--output")),
                Path.of(opts.get("--rejects")), opts.getOrDefault("--transform", "flights-enrich"));
        long start = System.nanoTime();
        loop.run();
        double wallS = (System.nanoTime() - start) / 1e9;
        System.out.printf("plain-loop %s: records in %d | out %d | rejected %d | %.3f s | %.0f records/s%n",
                loop.transformId, loop.recordsIn, loop.recordsOut, loop.rejected, wallS, loop.recordsIn / wallS);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        for (String required : new String[]{"--input", "--output", "--rejects"}) {
            if (!opts.containsKey(required)) {
                System.err.println("usage: PlainLoop --input IN[.gz] --output OUT --rejects REJ [--transform ID]");
                System.exit(2);
            }
        }
        return opts;
    }

    private void run() throws Exception {
        transform = Transforms.get(transformId).create();
        try (InputStream in = open(input);
             OutputStream o = new BufferedOutputStream(Files.newOutputStream(output), 1 << 16);
             OutputStream r = new BufferedOutputStream(Files.newOutputStream(rejects), 1 << 16)) {
            out = o;
            rej = r;
            splitLines(in);
            flush();
        } finally {
            transform.close();
        }
    }

    private static InputStream open(Path path) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        return path.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    /** Splits as {@code BufferedReader.readLine} does: LF, CRLF or a lone CR; a last unterminated line counts. */
    private void splitLines(InputStream in) throws Exception {
        byte[] buf = new byte[1 << 16];
        byte[] line = new byte[256];
        int len = 0;
        boolean afterCr = false;
        for (int n = in.read(buf); n > 0; n = in.read(buf)) {
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (afterCr) {
                    afterCr = false;
                    if (b == '\n') {
                        continue;
                    }
                }
                if (b == '\n' || b == '\r') {
                    onLine(line, len);
                    len = 0;
                    afterCr = b == '\r';
                } else {
                    if (len == line.length) {
                        line = Arrays.copyOf(line, len * 2);
                    }
                    line[len++] = b;
                }
            }
        }
        if (len > 0) {
            onLine(line, len);
        }
    }

    private void onLine(byte[] line, int len) throws Exception {
        lineNumber++;
        if (lineNumber == 1) {
            transform.open(new TransformContext(transformId, Map.of(),
                    new String(line, 0, len, StandardCharsets.ISO_8859_1), 0));
            return;
        }
        if (batch == null) {
            batch = RecordBatch.builder(sequence++, batchBytes + 1024, batchBytes / 32);
        }
        batch.add(lineNumber, line, 0, len);
        recordsIn++;
        if (batch.size() * 40L >= batchBytes) { // ~40 bytes per flights row: about one 64 KiB batch
            flush();
        }
    }

    private void flush() throws Exception {
        if (batch == null) {
            return;
        }
        RecordBatch in = batch.build();
        batch = null;
        RecordBatchBuilder result = RecordBatch.builder(in.sequence(), in.recordBytes() * 4, in.size());
        transform.process(in, result);
        RecordBatch done = result.build();
        byte[] data = done.data();
        for (int i = 0; i < done.size(); i++) {
            out.write(data, done.offset(i), done.length(i));
            out.write('\n');
        }
        recordsOut += done.size();
        for (Reject r : done.rejects()) {
            rej.write(r.reason().getBytes(StandardCharsets.UTF_8));
            rej.write('\t');
            rej.write(r.raw());
            rej.write('\n');
        }
        rejected += done.rejects().size();
    }
}
