package dev.hybridetl.cpu.processes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerClassArchiveTest {

    @Test
    void shouldDumpAnArchiveForAClassPathOfJars(@TempDir Path tmp) throws IOException {
        Path jar = jar(tmp.resolve("a.jar"), null);
        assertThat(WorkerClassArchive.forClassPath(jar.toString()).nextStart().flags())
                .anyMatch(f -> f.startsWith("-XX:ArchiveClassesAtExit="));
    }

    @Test
    void shouldStayOffWhenTheClassPathHoldsANonEmptyDirectory(@TempDir Path tmp) throws IOException {
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        Files.writeString(classes.resolve("A.class"), "x");
        Path jar = jar(tmp.resolve("a.jar"), null);
        assertThat(WorkerClassArchive.forClassPath(jar + ":" + classes).nextStart().flags()).isEmpty();
        // as in surefire's manifest-only jar
        Path booter = jar(tmp.resolve("booter.jar"), "a.jar classes/");
        assertThat(WorkerClassArchive.forClassPath(booter.toString()).nextStart().flags()).isEmpty();
        // an empty directory does not stop the JVM from dumping
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThat(WorkerClassArchive.forClassPath(jar + ":" + empty).nextStart().flags()).isNotEmpty();
    }

    private static Path jar(Path file, String classPath) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            mf.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream j = new JarOutputStream(out, mf)) {
            j.flush();
        }
        return file;
    }
}
