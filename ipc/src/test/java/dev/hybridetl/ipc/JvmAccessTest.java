package dev.hybridetl.ipc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class JvmAccessTest {

    @Test
    void shouldReadTheListsTheBuildFilledIn() {
        assertThat(JvmAccess.opens()).contains("java.base/java.nio", "java.base/sun.nio.ch");
        assertThat(JvmAccess.exports()).contains("java.base/sun.nio.ch", "jdk.unsupported/sun.misc");
        assertThat(JvmAccess.quietProperties()).containsEntry("chronicle.analytics.disable", "true");
        assertThat(JvmAccess.requiredFlags())
                .contains("--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                        "-Dchronicle.analytics.disable=true")
                .hasSize(JvmAccess.opens().size() + JvmAccess.exports().size() + JvmAccess.quietProperties().size())
                .noneMatch(f -> f.contains("${") || f.isBlank());
    }

    @Test
    void shouldRenderTheManifestAttributesFromTheSameLists() {
        assertThat(JvmAccess.manifestAttributes()).containsExactly(
                "Add-Opens: " + String.join(" ", JvmAccess.opens()),
                "Add-Exports: " + String.join(" ", JvmAccess.exports()));
    }

    @Test
    void shouldFindNothingMissingInATestJvmStartedWithTheDerivedArgLine() {
        assertThat(JvmAccess.missingFlags()).isEmpty();
    }

    @Test
    void shouldReportPackagesThatAreNotOpenOrExportedToTheCaller() throws Exception {
        try (URLClassLoader other = new URLClassLoader(new URL[0], null)) {
            Module unnamed = other.getUnnamedModule();
            assertThat(JvmAccess.missingFlags(unnamed, List.of("java.base/java.nio", "java.base/java.util"),
                    List.of("java.base/java.util", "java.base/jdk.internal.vm", "no.such.module/x")))
                    .as("ALL-UNNAMED covers every class loader's unnamed module")
                    .containsExactly("--add-opens=java.base/java.util=ALL-UNNAMED",
                            "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED",
                            "--add-exports=no.such.module/x=ALL-UNNAMED");
        }
    }

    @Test
    void shouldAddOnlyTheVersionFlagsEachJdkAccepts() {
        assertThat(JvmAccess.versionFlags(17)).isEmpty();
        assertThat(JvmAccess.versionFlags(21)).isEmpty();
        assertThat(JvmAccess.versionFlags(22)).containsExactly("--enable-native-access=ALL-UNNAMED");
        assertThat(JvmAccess.versionFlags(23)).containsExactly("--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow");
    }

    @Test
    void shouldStartAChildJvmOfThisJdkWithEveryChildFlag() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(JvmAccess.childJvmFlags());
        cmd.add("-version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).doesNotContain("Unrecognized option", "WARNING");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void shouldNameTheMissingFlagsAndTheThreeWaysToPassThem() {
        String msg = JvmAccess.missingFlagsMessage("stage 'x' on worker processes",
                List.of("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"));
        assertThat(msg).startsWith("stage 'x' on worker processes uses Chronicle Queue and Agrona")
                .contains("    --add-exports=java.base/sun.nio.ch=ALL-UNNAMED")
                .contains("java " + String.join(" ", JvmAccess.requiredFlags().subList(0,
                        JvmAccess.opens().size() + JvmAccess.exports().size())))
                .contains(JvmAccess.manifestAttributes().get(0), JvmAccess.manifestAttributes().get(1))
                .contains("spring-boot-maven-plugin", "<argLine>", "jvmArgs", "jvm-flags");
    }

    @Test
    void shouldFindNoClassLoaderProblemForFileUrls() throws Exception {
        try (URLClassLoader files = new URLClassLoader(new URL[]{Path.of("target/classes").toUri().toURL(),
                Path.of("x.jar").toUri().toURL()}, null)) {
            assertThat(JvmAccess.classLoaderProblem(files)).isEmpty();
        }
        assertThat(JvmAccess.classLoaderProblem()).isEmpty();
        assertThat(JvmAccess.classLoaderProblem(ClassLoader.getPlatformClassLoader())).isEmpty();
    }

    @Test
    void shouldNameTheUrlChronicleCannotTurnIntoAPath(@TempDir Path tmp) throws Exception {
        Path app = tmp.resolve("app.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(app))) {
            out.putNextEntry(new java.util.jar.JarEntry("x"));
        }
        URL nested = new URL("jar:" + app.toUri() + "!/BOOT-INF/lib/chronicle-core.jar!/");
        try (URLClassLoader boot31 = new URLClassLoader(new URL[]{nested}, null)) {
            assertThat(JvmAccess.classLoaderProblem(boot31)).hasValueSatisfying(m -> assertThat(m)
                    .contains(nested.toString(), "FileSystemNotFoundException", "Spring Boot 3.2"));
        }
    }
}
