package dev.hybridetl.app;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;
import dev.hybridetl.api.TransformProvider;

import java.util.Map;

/**
 * {@value #ID}: copies records through, sleeping {@code sleepMs} per batch: a waiting-bound transform for the
 * profiler, and a stage that stays busy for the dump and slow-batch tests (in worker processes too: a plugin).
 */
public final class SleepyTransformProvider implements TransformProvider {
    static final String ID = "test-sleepy";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "test: sleeps sleepMs per batch, then copies the batch";
    }

    @Override
    public Map<String, String> configKeys() {
        return Map.of("sleepMs", "milliseconds to sleep per batch (default 10)");
    }

    @Override
    public Transform create() {
        return new Transform() {
            private long sleepMs;

            @Override
            public void open(TransformContext context) {
                sleepMs = Long.parseLong(context.config().getOrDefault("sleepMs", "10"));
            }

            @Override
            public void process(RecordBatch in, RecordBatchBuilder out) throws InterruptedException {
                Thread.sleep(sleepMs);
                for (int i = 0; i < in.size(); i++) {
                    out.add(in.position(i), in.data(), in.offset(i), in.length(i));
                }
            }
        };
    }
}
