package dev.hybridetl.io.internal;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class RejectLinesTest {

    /** The JDK's decoder, told to refuse malformed input, is the oracle for "valid UTF-8". */
    private static boolean jdkSaysUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void shouldAgreeWithStrictJdkDecoderOnRandomBytes() {
        SplittableRandom random = new SplittableRandom(42);
        int valid = 0;
        for (int i = 0; i < 300_000; i++) {
            byte[] bytes = new byte[random.nextInt(7)];
            for (int k = 0; k < bytes.length; k++) {
                // mostly the bytes where the rules are: lead bytes, continuation bytes, their bounds
                bytes[k] = (byte) (random.nextInt(4) == 0 ? random.nextInt(128) : 0x80 + random.nextInt(128));
            }
            boolean expected = jdkSaysUtf8(bytes);
            assertThat(RejectLines.isUtf8(bytes)).as("%s", java.util.HexFormat.of().formatHex(bytes))
                    .isEqualTo(expected);
            valid += expected ? 1 : 0;
        }
        assertThat(valid).as("the sample holds valid multi-byte sequences too").isGreaterThan(1000);
    }
}
