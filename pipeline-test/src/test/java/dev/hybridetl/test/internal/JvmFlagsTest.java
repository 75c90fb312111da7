package dev.hybridetl.test.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The processes placement's JVM flags, checked in this JVM (which has them) and in one started without them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmFlagsTest {

    /** Run in a child JVM: prints what the check says. */
    public static final class Check {
        public static void main(String[] args) {
            try {
                JvmFlags.requireForProcesses();
                System.out.print("ok");
            } catch (IllegalStateException e) {
                System.out.print(e.getMessage());
            }
        }
    }

    @Test
    void shouldFindNothingMissingWhenTheTestJvmHasTheFlags() {
        assertThat(JvmFlags.missing()).isEmpty();
        assertThat(JvmFlags.all()).hasSize(8).contains("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
    }

    @Test
    void shouldNameTheMissingFlagsAndTheArgLineWhenAJvmLacksThem() throws Exception {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), Check.class.getName()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();

        assertThat(said).startsWith("the processes placement needs these JVM flags in the test JVM, which lacks ")
                .contains("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                        "Surefire's argLine: <argLine>" + String.join(" ", JvmFlags.all()) + "</argLine>");
        // jdk.unsupported exports sun.misc to everyone by default: 7 of the 8 are missing
        assertThat(List.of(said.split("lacks ")[1].split("\\. Add")[0].split(" "))).hasSize(7);
    }
}
