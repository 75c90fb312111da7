package dev.hybridetl.app;

import dev.hybridetl.ipc.JvmAccess;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JvmFlagsCommandTest {

    @Test
    void shouldPrintTheRequiredFlagsOneALine() {
        CliTest.Outcome o = CliTest.cli("jvm-flags");

        assertThat(o.exitCode()).isZero();
        assertThat(o.out().lines()).containsExactlyElementsOf(JvmAccess.requiredFlags())
                .contains("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "-Dchronicle.analytics.disable=true");
    }

    @Test
    void shouldPrintTheTwoManifestLines() {
        CliTest.Outcome o = CliTest.cli("jvm-flags", "--manifest");

        assertThat(o.exitCode()).isZero();
        assertThat(o.out().lines()).containsExactlyElementsOf(JvmAccess.manifestAttributes()).hasSize(2);
        assertThat(o.out()).startsWith("Add-Opens: java.base/");
    }

    @Test
    void shouldAddOnlyWhatThisJdkAcceptsWhenAskedForIt() {
        List<String> expected = new ArrayList<>(JvmAccess.requiredFlags());
        expected.addAll(JvmAccess.versionFlags(Runtime.version().feature()));

        assertThat(CliTest.cli("jvm-flags", "--for-this-jdk").out().lines()).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldBeListedInTheHelp() {
        assertThat(CliTest.cli("--help").out()).contains("jvm-flags");
    }
}
