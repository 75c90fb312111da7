package dev.hybridetl.cpu.processes;

import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerOutputLevelsTest {

    private static Level stderr(String line) {
        return new WorkerOutputLevels(Level.WARN).next(line);
    }

    @Test
    void shouldKeepTheLevelOfLogRecordsInTheCommonLayouts() {
        // slf4j-simple's default layout: Chronicle's start-up banner
        assertThat(stderr("[main] INFO net.openhft.chronicle.core.Jvm - Chronicle core loaded from file:/x.jar"))
                .isEqualTo(Level.INFO);
        // slf4j-simple with date/time (as pipeline-app configures it) and with relative milliseconds
        assertThat(stderr("09:00:00.123 [main] INFO Jvm - Chronicle core loaded")).isEqualTo(Level.INFO);
        assertThat(stderr("2026-12-01 09:00:00:123 [main] DEBUG x.Y - z")).isEqualTo(Level.DEBUG);
        assertThat(stderr("1234 [main] TRACE x.Y - z")).isEqualTo(Level.DEBUG);
        // Logback's and Log4j 2's default layouts
        assertThat(stderr("09:00:00.123 [main] INFO  n.o.c.c.Jvm -- Chronicle core loaded")).isEqualTo(Level.INFO);
        assertThat(stderr("2026-12-01T09:00:00.123Z [etl worker] WARN  x.Y - careful")).isEqualTo(Level.WARN);
        // level first, bracketed, JUL's message line
        assertThat(stderr("INFO  [main] x.Y: hello")).isEqualTo(Level.INFO);
        assertThat(stderr("[DEBUG] hello")).isEqualTo(Level.DEBUG);
        assertThat(stderr("INFO: hello")).isEqualTo(Level.INFO);
        assertThat(stderr("CONFIG: hello")).isEqualTo(Level.INFO);
        assertThat(stderr("FINE: hello")).isEqualTo(Level.DEBUG);
    }

    @Test
    void shouldKeepWarningsAndErrorsAtWarn() {
        assertThat(stderr("[main] WARN net.openhft.chronicle.queue - disk almost full")).isEqualTo(Level.WARN);
        assertThat(stderr("09:00:00.123 [main] ERROR x.Y - broken")).isEqualTo(Level.WARN);
        assertThat(stderr("SEVERE: broken")).isEqualTo(Level.WARN);
        assertThat(stderr("WARNING: A terminally deprecated method in sun.misc.Unsafe has been called"))
                .isEqualTo(Level.WARN);
    }

    @Test
    void shouldKeepLinesThatAreNoLogRecordAtTheStreamsDefault() {
        assertThat(stderr("worker 0 failed: java.lang.IllegalAccessError: class x cannot access y"))
                .isEqualTo(Level.WARN);
        assertThat(stderr("Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space"))
                .isEqualTo(Level.WARN);
        assertThat(stderr("# A fatal error has been detected by the Java Runtime Environment:")).isEqualTo(Level.WARN);
        assertThat(stderr("OpenJDK 64-Bit Server VM warning: Options -Xverify:none are deprecated"))
                .isEqualTo(Level.WARN);
        assertThat(stderr("Information about INFO levels")).as("a level word that starts no record")
                .isEqualTo(Level.WARN);
        assertThat(stderr("INFORMATION")).isEqualTo(Level.WARN);
        assertThat(new WorkerOutputLevels(Level.INFO).next("rows processed: 20")).isEqualTo(Level.INFO);
        assertThat(new WorkerOutputLevels(Level.INFO).next("[main] WARN x - y")).isEqualTo(Level.WARN);
    }

    @Test
    void shouldGiveARecordsContinuationLinesItsLevelUntilTheNextUnclassifiedLine() {
        WorkerOutputLevels levels = new WorkerOutputLevels(Level.WARN);
        assertThat(levels.next("[main] INFO x.Y - retrying")).isEqualTo(Level.INFO);
        assertThat(levels.next("java.io.IOException: busy")).as("a new unclassified line").isEqualTo(Level.WARN);
        assertThat(levels.next("\tat x.Y.z(Y.java:1)")).isEqualTo(Level.WARN);

        assertThat(levels.next("[main] DEBUG x.Y - details follow")).isEqualTo(Level.DEBUG);
        assertThat(levels.next("    second line of the message")).isEqualTo(Level.DEBUG);
        assertThat(levels.next("\tat x.Y.z(Y.java:1)")).isEqualTo(Level.DEBUG);
        assertThat(levels.next("Caused by: java.io.IOException: busy")).isEqualTo(Level.DEBUG);
        assertThat(levels.next("\t... 3 more")).isEqualTo(Level.DEBUG);
        assertThat(levels.next("")).isEqualTo(Level.DEBUG);
        assertThat(levels.next("worker 0 failed: boom")).isEqualTo(Level.WARN);
        assertThat(levels.next("\tat x.Y.z(Y.java:1)")).isEqualTo(Level.WARN);
    }
}
