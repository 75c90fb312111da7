package dev.hybridetl.test.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;
import dev.hybridetl.api.TransformProvider;

/**
 * {@value #ID}: a transform whose output depends on the batch it is given, so a placement that hands a transform
 * the wrong batch, the wrong sequence number or a partial batch shows in the bytes. Each non-empty record becomes
 * {@code record TAB byte count TAB running count in the batch}; an empty record is rejected as {@value #EMPTY};
 * each batch ends with one more record {@code #batch TAB sequence TAB records TAB bytes TAB header}.
 */
public final class CountingProvider implements TransformProvider {
    public static final String ID = "test-kit-count";
    /** Reject reason of an empty record. */
    public static final String EMPTY = "empty";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "counts records and bytes per batch (pipeline-test kit; test only)";
    }

    @Override
    public Transform create() {
        return new Transform() {
            private String header;

            @Override
            public void open(TransformContext context) {
                header = context.header();
            }

            @Override
            public void process(RecordBatch in, RecordBatchBuilder out) {
                long bytes = 0;
                int kept = 0;
                for (int i = 0; i < in.size(); i++) {
                    if (in.length(i) == 0) {
                        out.reject(in.position(i), EMPTY, in.data(), in.offset(i), 0);
                        continue;
                    }
                    bytes += in.length(i);
                    kept++;
                    out.beginRecord(in.position(i)).append(in.data(), in.offset(i), in.length(i))
                            .appendAscii("\t" + in.length(i) + "\t" + kept).endRecord();
                }
                long last = in.size() == 0 ? 0 : in.position(in.size() - 1);
                out.beginRecord(last).appendAscii("#batch\t" + in.sequence() + "\t" + kept + "\t" + bytes + "\t")
                        .appendAscii(header).endRecord();
            }
        };
    }
}
