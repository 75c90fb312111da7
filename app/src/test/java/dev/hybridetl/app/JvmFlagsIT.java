package dev.hybridetl.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged jar's manifest carries exactly the flags that {@code jvm-flags --manifest} prints. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JvmFlagsIT {

    @Test
    void shouldCarryInItsManifestWhatJvmFlagsPrints() throws Exception {
        Attributes manifest;
        try (JarFile jar = new JarFile(AppJarIT.JAR.toFile())) {
            manifest = jar.getManifest().getMainAttributes();
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                AppJarIT.JAR.toString(), "jvm-flags", "--manifest").redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out.lines()).containsExactlyElementsOf(List.of(
                    "Add-Opens: " + manifest.getValue("Add-Opens"),
                    "Add-Exports: " + manifest.getValue("Add-Exports").replace(" " + ThreadDumper.EXPORT, "")));
            assertThat(manifest.getValue("Add-Exports")).as("the dump command's own export, besides")
                    .endsWith(" " + ThreadDumper.EXPORT);
        } finally {
            p.destroyForcibly();
        }
    }
}
