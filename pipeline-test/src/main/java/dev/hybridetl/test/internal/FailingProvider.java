package dev.hybridetl.test.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;
import dev.hybridetl.api.TransformProvider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * {@value #ID}: upper-cases like {@link UpperCaseProvider} but throws {@code throw} (see {@link Failure}) in
 * {@code phase} (open, process or close); in process, on the batch whose sequence is {@code atBatch}, or, with
 * {@code atLine}, on any batch that holds the record of that line (so that it throws again when a runner retries
 * the record in another batch, as the processes placement does with an out-of-memory batch, in halves). If
 * {@code markerFile} is set, the first instance to throw first writes its wall-clock time (epoch ms) there: the
 * instant a test measures "failed promptly" from, also when the transform runs in another JVM.
 */
public final class FailingProvider implements TransformProvider {
    public static final String ID = "test-kit-fail";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "throws a configured Throwable in open, process or close (pipeline-test kit; test only)";
    }

    @Override
    public Map<String, String> configKeys() {
        return Map.of("throw", "simple class name: NoClassDefFoundError, StackOverflowError, AssertionError,"
                        + " OutOfMemoryError or RuntimeException",
                "phase", "open, process or close",
                "atBatch", "in process: the sequence number of the batch that fails (default 0)",
                "atLine", "in process: instead of atBatch, fail on any batch holding the record of this line",
                "markerFile", "where to write the time of the throw (epoch ms)");
    }

    @Override
    public Transform create() {
        return new Transform() {
            private Failure failure;
            private Phase phase;
            private long atBatch;
            private long atLine;
            private String markerFile;

            @Override
            public void open(TransformContext context) {
                failure = Failure.parse(context.config("throw", "RuntimeException"));
                phase = Phase.parse(context.config("phase", "process"));
                atBatch = Long.parseLong(context.config("atBatch", "0"));
                atLine = Long.parseLong(context.config("atLine", "-1"));
                markerFile = context.config("markerFile", "");
                if (phase == Phase.OPEN) {
                    fail();
                }
            }

            @Override
            public void process(RecordBatch in, RecordBatchBuilder out) {
                if (phase == Phase.PROCESS && (atLine >= 0 ? holds(in, atLine) : in.sequence() == atBatch)) {
                    fail();
                }
                UpperCaseProvider.upperCase(in, out);
            }

            @Override
            public void close() {
                if (phase == Phase.CLOSE) {
                    fail();
                }
            }

            private boolean holds(RecordBatch in, long line) {
                for (int i = 0; i < in.size(); i++) {
                    if (in.position(i) == line) {
                        return true;
                    }
                }
                return false;
            }

            private void fail() {
                markThrowTime(markerFile);
                failure.raise();
            }
        };
    }

    private static void markThrowTime(String markerFile) {
        if (markerFile.isEmpty()) {
            return;
        }
        try {
            Files.write(Path.of(markerFile), Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            // an earlier throw (another worker) set the time already
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the marker file " + markerFile + ": " + e, e);
        }
    }
}
