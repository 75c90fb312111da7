package dev.hybridetl.io;

import dev.hybridetl.test.LeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Source -> identity -> sink runs, and what they leave behind: nothing (threads, files, descriptors: LeakCheck). */
@ExtendWith(LeakCheck.class)
class FlowTest {
    private static final int BIG = 1 << 20;

    @TempDir
    Path dir;

    static String sample(int lines) {
        StringBuilder text = new StringBuilder("date,delay,distance,origin,destination\r\n");
        for (int i = 0; i < lines; i++) {
            text.append("2001-01-01T00:01,").append(i % 90 - 10).append(",2176,LAS,PHL").append(i % 3 == 0 ? "\r\n" : "\n");
        }
        return text.toString();
    }

    @Test
    void shouldCopyInputToOutputWhenRunningSourceToSink() throws IOException {
        String text = sample(5000);
        Path in = TestRuns.writeGzip(dir.resolve("in.csv.gz"), text);
        Path out = dir.resolve("out/out.csv");
        try (TestRuns runs = new TestRuns()) {
            runs.copy(FileSource.of(in).withChunkBytes(4096), FileSink.of(out, dir.resolve("out/rej.txt")),
                    runs.sourceSettings(1000, BIG)).block(TestRuns.TIMEOUT);
        }

        assertThat(TestRuns.read(out)).isEqualTo(copied(text));
    }

    @Test
    void shouldLeaveNoThreadsOrFileDescriptorsWhenRunCompletesOrIsCancelled() throws IOException {
        // Big enough that the cancelled run cannot finish between its first batch and the dispose (60,000 rows,
        // 2 MB, sometimes did on a quiet machine, and then its output rightly existed).
        String text = sample(600_000);
        Path in = TestRuns.write(dir.resolve("in.csv"), text);

        runAndWait(in, dir.resolve("out.csv"));
        assertThat(TestRuns.read(dir.resolve("out.csv"))).isEqualTo(copied(text));

        try (TestRuns runs = new TestRuns()) {
            Disposable run = runs.copy(FileSource.of(in).withChunkBytes(8192),
                    FileSink.of(dir.resolve("cancelled.csv"), dir.resolve("cancelled.rej")),
                    runs.sourceSettings(4096, BIG)).subscribe();
            TestRuns.await("first batch written", TestRuns.TIMEOUT, () -> runs.sinkMetrics.batches() > 0);
            run.dispose();
            TestRuns.await("temp files deleted", TestRuns.TIMEOUT, () -> tempCount() == 0);
        }
        assertThat(dir.resolve("cancelled.csv")).doesNotExist();
    }

    /** What a copy of {@code text} writes: its records without the header, each ended by LF. */
    private static String copied(String text) {
        return text.substring(text.indexOf('\n') + 1).replace("\r\n", "\n");
    }

    private void runAndWait(Path in, Path out) {
        try (TestRuns runs = new TestRuns()) {
            runs.copy(FileSource.of(in).withChunkBytes(64 * 1024), FileSink.of(out, dir.resolve(out + ".rej")),
                    runs.sourceSettings(16 * 1024, BIG)).block(TestRuns.TIMEOUT);
        }
    }

    private int tempCount() {
        try {
            return TestRuns.tempFiles(dir).size();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
