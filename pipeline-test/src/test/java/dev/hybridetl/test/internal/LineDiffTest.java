package dev.hybridetl.test.internal;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LineDiffTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldNameTheFirstDifferingLineAndBothVersions() {
        assertThatThrownBy(() -> LineDiff.assertSameBytes("outputs", "threads", b("a\nb\tx\nc\n"), "processes",
                b("a\nB\tx\nc\n")))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessage("outputs differ at line 2 (threads: 3 lines, 8 bytes, processes: 3 lines, 8 bytes)\n"
                        + "  threads: \"b\\tx\"\n  processes: \"B\\tx\"");
    }

    @Test
    void shouldSayWhichSideEndsFirstOrLacksTheLastLineFeed() {
        assertThatThrownBy(() -> LineDiff.assertSameBytes("outputs", "expected", b("a\nb\n"), "actual", b("a\n")))
                .hasMessageContaining("differ at line 2").hasMessageContaining("actual: (end of output)");
        assertThatThrownBy(() -> LineDiff.assertSameBytes("outputs", "expected", b("a\n"), "actual", b("a")))
                .hasMessageContaining("actual: 1 lines, 1 bytes, no LF at the end");
        assertThatCode(() -> LineDiff.assertSameBytes("outputs", "e", b("x\n"), "a", b("x\n"))).doesNotThrowAnyException();
    }
}
