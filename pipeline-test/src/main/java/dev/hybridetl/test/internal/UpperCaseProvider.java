package dev.hybridetl.test.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;
import dev.hybridetl.api.TransformProvider;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@value #ID}: upper-cases ASCII letters and passes every other byte through, so a placement's copy of the bytes
 * can be checked exactly. {@code delayMs} makes every batch take that long (to cancel a run mid-way),
 * {@code jitterMs} a random 0..N ms (so that batches finish out of order; the output stays deterministic).
 */
public final class UpperCaseProvider implements TransformProvider {
    public static final String ID = "test-kit-upper";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "upper-cases ASCII letters (pipeline-test kit; test only)";
    }

    @Override
    public Map<String, String> configKeys() {
        return Map.of("delayMs", "sleep this long per batch", "jitterMs", "sleep a random 0..N ms per batch");
    }

    @Override
    public Transform create() {
        return new Transform() {
            private long delayMs;
            private int jitterMs;

            @Override
            public void open(TransformContext context) {
                delayMs = Long.parseLong(context.config("delayMs", "0"));
                jitterMs = Integer.parseInt(context.config("jitterMs", "0"));
            }

            @Override
            public void process(RecordBatch in, RecordBatchBuilder out) throws InterruptedException {
                long sleep = delayMs + (jitterMs > 0 ? ThreadLocalRandom.current().nextInt(jitterMs + 1) : 0);
                if (sleep > 0) {
                    Thread.sleep(sleep);
                }
                upperCase(in, out);
            }
        };
    }

    /** Appends each record of {@code in}, ASCII letters upper-cased, to {@code out}. */
    static void upperCase(RecordBatch in, RecordBatchBuilder out) {
        byte[] data = in.data();
        for (int i = 0; i < in.size(); i++) {
            out.beginRecord(in.position(i));
            int end = in.offset(i) + in.length(i);
            out.ensureCapacity(in.length(i));
            for (int k = in.offset(i); k < end; k++) {
                byte b = data[k];
                out.append(b >= 'a' && b <= 'z' ? (byte) (b - 32) : b);
            }
            out.endRecord();
        }
    }
}
