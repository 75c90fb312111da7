package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;
import dev.hybridetl.api.TransformProvider;

import java.nio.charset.StandardCharsets;

/**
 * Test-only transform plugins that the kit (pipeline-test) has no equivalent of, registered in
 * src/test/resources/META-INF/services; plain upper-casing is the kit's {@code test-kit-upper}.
 */
final class TestTransforms {
    private TestTransforms() {
    }

    /** Halts its JVM on a record containing POISON; otherwise upper-cases. */
    public static final class Poison implements TransformProvider {
        @Override
        public String id() {
            return "test-poison";
        }

        @Override
        public String description() {
            return "halts the worker on a record containing POISON (test)";
        }

        @Override
        public Transform create() {
            return (in, out) -> {
                for (int i = 0; i < in.size(); i++) {
                    String s = upper(in, i);
                    if (s.contains("POISON")) {
                        Runtime.getRuntime().halt(1);
                    }
                    out.add(in.position(i), s);
                }
            };
        }
    }

    /** Fails in open, as a transform with a bad configuration would. */
    public static final class FailingOpen implements TransformProvider {
        @Override
        public String id() {
            return "test-failing-open";
        }

        @Override
        public String description() {
            return "fails to open (test)";
        }

        @Override
        public Transform create() {
            return new Transform() {
                @Override
                public void open(TransformContext context) {
                    throw new IllegalArgumentException("reference data missing: no-such-file.csv");
                }

                @Override
                public void process(RecordBatch in, RecordBatchBuilder out) {
                    throw new AssertionError("never opened");
                }
            };
        }
    }

    /** Writes the PID of the JVM it runs in for every record: output that differs between the placements. */
    public static final class Pid implements TransformProvider {
        @Override
        public String id() {
            return "test-pid";
        }

        @Override
        public String description() {
            return "writes its JVM's PID for each record (test)";
        }

        @Override
        public Transform create() {
            return (in, out) -> {
                for (int i = 0; i < in.size(); i++) {
                    out.add(in.position(i), Long.toString(ProcessHandle.current().pid()));
                }
            };
        }
    }

    static String upper(RecordBatch in, int i) {
        return new String(in.data(), in.offset(i), in.length(i), StandardCharsets.ISO_8859_1).toUpperCase();
    }
}
