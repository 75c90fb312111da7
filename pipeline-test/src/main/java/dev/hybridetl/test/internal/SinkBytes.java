package dev.hybridetl.test.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Reject;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Renders batches as the file sink writes them (records LF-terminated; rejects {@code reason TAB raw LF}). */
public final class SinkBytes {
    private static final Comparator<Reject> BY_POSITION = Comparator.comparingLong(Reject::position);

    private SinkBytes() {
    }

    /** Every record followed by {@code LF}, batch after batch. */
    public static byte[] records(List<RecordBatch> batches) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (RecordBatch b : batches) {
            for (int i = 0; i < b.size(); i++) {
                out.write(b.data(), b.offset(i), b.length(i));
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    /** The records as ISO-8859-1 strings. */
    public static List<String> recordTexts(List<RecordBatch> batches) {
        List<String> texts = new ArrayList<>();
        for (RecordBatch b : batches) {
            for (int i = 0; i < b.size(); i++) {
                texts.add(new String(b.data(), b.offset(i), b.length(i), StandardCharsets.ISO_8859_1));
            }
        }
        return texts;
    }

    /** Rejects batch after batch, each batch's sorted by position (stable, as the file sink sorts them). */
    public static List<Reject> sortedRejects(List<RecordBatch> batches) {
        List<Reject> all = new ArrayList<>();
        for (RecordBatch b : batches) {
            List<Reject> sorted = new ArrayList<>(b.rejects());
            sorted.sort(BY_POSITION);
            all.addAll(sorted);
        }
        return all;
    }

    /** The rejects file: {@code reason TAB raw LF} for each of {@link #sortedRejects}. */
    public static byte[] rejects(List<RecordBatch> batches) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Reject r : sortedRejects(batches)) {
            out.writeBytes(r.reason().getBytes(StandardCharsets.ISO_8859_1));
            out.write('\t');
            out.writeBytes(r.raw());
            out.write('\n');
        }
        return out.toByteArray();
    }
}
