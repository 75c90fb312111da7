package dev.hybridetl.cpu;

import dev.hybridetl.api.Placement;
import dev.hybridetl.test.LeakCheck;
import dev.hybridetl.test.TransformOutput;
import dev.hybridetl.test.TransformTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.AssertionFailedError;

import java.util.concurrent.TimeUnit;

import static dev.hybridetl.test.TransformTestKit.reject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The plugin author's kit on the real placements: what it checks, and how it says what is wrong. */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransformTestKitTest {

    @Test
    void shouldCheckOutputAndRejectsOfBothPlacementsAndNameTheLineThatDiffers() {
        TransformOutput out = TransformTestKit.plugin("test-kit-count").input("h", "ab", "", "c")
                .linesPerBatch(2).runInBothPlacements()
                .assertOutputEquals("ab\t2\t1", "#batch\t0\t1\t2\th", "c\t1\t1", "#batch\t1\t1\t1\th")
                .assertRejects(reject(3, "empty").withRaw(""));

        assertThat(out.result(Placement.THREADS).recordsIn()).isEqualTo(3);
        assertThat(out.result(Placement.PROCESSES).recordsRejected()).isEqualTo(1);
        assertThatThrownBy(() -> out.assertOutputEquals("ab\t2\t1", "#batch\t0\t1\t2\tH"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("output of threads and processes and the expected lines differ at line 2")
                .hasMessageContaining("expected: \"#batch\\t0\\t1\\t2\\tH\"");
        assertThatThrownBy(() -> out.assertRejects(reject(4, "empty")))
                .hasMessageContaining("expected 1:\n    line 4 empty\n  but were 1:\n    line 3 empty \"\"");
    }

    @Test
    void shouldFailWhenThePlacementsWriteDifferentBytes() {
        assertThatThrownBy(() -> TransformTestKit.plugin("test-pid").input("h", "x").runInBothPlacements())
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageStartingWith("outputs of threads and processes differ at line 1")
                .hasMessageContaining("threads: \"" + ProcessHandle.current().pid() + "\"");
    }

    @Test
    void shouldReportAFailedRunAsAFailureNamingThePlacementAndExpectFailuresWhenAsked() {
        TransformTestKit failing = TransformTestKit.plugin("test-kit-fail").config("throw", "RuntimeException")
                .config("phase", "process").config("atBatch", "1").input("h", "a", "b", "c");

        assertThatThrownBy(() -> failing.runIn(Placement.THREADS))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageStartingWith("transform 'test-kit-fail' on threads failed: stage 'test-kit-fail' failed"
                        + " on batch 1 (lines 4..4)");
        failing.failInBothPlacements().assertMessageContains("stage 'test-kit-fail'", "batch 1",
                "test-kit: deliberate failure");
        assertThatThrownBy(() -> TransformTestKit.plugin("test-kit-upper").input("h", "a")
                .failIn(Placement.THREADS)).hasMessageContaining("was expected to fail but succeeded: 1 records out");
        assertThatThrownBy(() -> TransformTestKit.plugin("no-such-plugin"))
                .hasMessageContaining("unknown transform 'no-such-plugin'");
    }
}
