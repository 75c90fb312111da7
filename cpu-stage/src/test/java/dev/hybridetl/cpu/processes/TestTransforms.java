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

    /**
     * Never returns from the record equal to config {@code stuckOn}, ignoring interrupts: in a worker it spins until
     * the worker is killed; in this JVM (threads placement) it waits until {@link #releaseStuck()}, so that a test
     * can end the thread it could not stop. Otherwise upper-cases.
     */
    public static final class Stuck implements TransformProvider {
        private static volatile java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

        @Override
        public String id() {
            return "test-stuck";
        }

        @Override
        public String description() {
            return "never returns from the record given as stuckOn (test)";
        }

        @Override
        public Transform create() {
            return new Transform() {
                private String stuckOn;

                @Override
                public void open(TransformContext context) {
                    stuckOn = context.config("stuckOn", "");
                }

                @Override
                public void process(RecordBatch in, RecordBatchBuilder out) {
                    for (int i = 0; i < in.size(); i++) {
                        String s = new String(in.data(), in.offset(i), in.length(i), StandardCharsets.ISO_8859_1);
                        if (s.equals(stuckOn)) {
                            block();
                        }
                        out.add(in.position(i), upper(in, i));
                    }
                }
            };
        }

        private static void block() {
            while (true) {
                try {
                    if (release.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                        return;
                    }
                } catch (InterruptedException ignored) {
                    // a stuck transform ignores interrupts: that is the point
                }
            }
        }

        static void releaseStuck() {
            release.countDown();
            release = new java.util.concurrent.CountDownLatch(1);
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
