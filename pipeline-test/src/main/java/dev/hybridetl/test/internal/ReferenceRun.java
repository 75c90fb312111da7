package dev.hybridetl.test.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;
import dev.hybridetl.api.Transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The oracle of the compatibility kit: a plugin transform run on the test's own thread, batch after batch. */
public final class ReferenceRun {
    private ReferenceRun() {
    }

    /** Opens one instance (worker 0), feeds it {@code batches} in order, closes it; returns its output batches. */
    public static List<RecordBatch> run(String pluginId, Map<String, String> config, String stageName, String header,
                                        List<RecordBatch> batches) throws Exception {
        List<RecordBatch> out = new ArrayList<>();
        try (Transform t = Transforms.get(pluginId).create()) {
            t.open(new TransformContext(stageName, config, header, 0));
            for (RecordBatch in : batches) {
                RecordBatchBuilder b = RecordBatch.builder(in.sequence());
                t.process(in, b);
                out.add(b.build());
            }
        }
        return out;
    }
}
