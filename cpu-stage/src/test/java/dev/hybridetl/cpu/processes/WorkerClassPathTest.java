package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.PipelineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerClassPathTest {
    private static final String MAIN = WorkerMain.class.getName();
    private static final Path CLASSES = classesDir();

    private static Path classesDir() {
        try {
            return Path.of(WorkerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldUseTheExplicitClassPathAsGiven(@TempDir Path tmp) throws IOException {
        Path jar = Files.createFile(tmp.resolve("a.jar"));
        WorkerClassPath cp = WorkerClassPath.resolve(List.of(jar, tmp), WorkerMain.class, "ignored.jar");
        assertThat(cp.classPath()).containsExactly(jar.toString(), tmp.toString());
        assertThat(cp.mainClass()).isEqualTo(MAIN);
        assertThat(cp.jvmOptions()).isEmpty();
    }

    @Test
    void shouldRejectAnExplicitEntryThatDoesNotExist(@TempDir Path tmp) {
        assertThatThrownBy(() -> WorkerClassPath.resolve(List.of(tmp.resolve("gone.jar")), WorkerMain.class, ""))
                .isInstanceOf(PipelineException.class).hasMessageContaining("gone.jar does not exist");
    }

    @Test
    void shouldUseThisJvmsClassPathWhenTheSystemClassLoaderLoadsTheWorker() {
        assertThat(WorkerMain.class.getClassLoader()).isSameAs(ClassLoader.getSystemClassLoader());
        WorkerClassPath cp = WorkerClassPath.resolve(List.of(), WorkerMain.class, "/x/a.jar:/x/b.jar");
        assertThat(cp.classPath()).containsExactly("/x/a.jar", "/x/b.jar");
        assertThat(cp.joined()).isEqualTo("/x/a.jar:/x/b.jar");
        assertThat(cp.mainClass()).isEqualTo(MAIN);
    }

    @Test
    void shouldTakeTheFileUrlsOfUrlClassLoadersParentsFirst(@TempDir Path tmp) throws Exception {
        try (URLClassLoader parent = new URLClassLoader(new URL[]{tmp.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
             URLClassLoader child = new URLClassLoader(new URL[]{CLASSES.toUri().toURL()}, parent)) {
            Class<?> main = Class.forName(MAIN, false, child);
            WorkerClassPath cp = WorkerClassPath.resolve(List.of(), main, "/not/used.jar");
            assertThat(cp.classPath()).containsExactly(tmp.toString(), CLASSES.toString());
            assertThat(cp.mainClass()).isEqualTo(MAIN);
        }
    }

    @Test
    void shouldPutThisJvmsClassPathFirstWhenTheLoaderChainEndsAtTheSystemLoader() throws Exception {
        try (URLClassLoader child = new ChildFirst(CLASSES)) {
            Class<?> main = Class.forName(MAIN, false, child);
            assertThat(main.getClassLoader()).isSameAs(child);
            WorkerClassPath cp = WorkerClassPath.resolve(List.of(), main, "/x/a.jar");
            assertThat(cp.classPath()).containsExactly("/x/a.jar", CLASSES.toString());
        }
    }

    @Test
    void shouldFailNamingTheUrlThatIsNoFile() throws Exception {
        URL nested = new URL("jar:file:/apps/app.jar!/BOOT-INF/lib/x.jar");
        try (URLClassLoader loader = new URLClassLoader(new URL[]{CLASSES.toUri().toURL(), nested},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> main = Class.forName(MAIN, false, loader);
            assertThatThrownBy(() -> WorkerClassPath.resolve(List.of(), main, "/x/a.jar"))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("loads from " + nested)
                    .hasMessageContaining("ProcessSettings.withWorkerClassPath");
        }
    }

    @Test
    void shouldFailForAClassLoaderItCannotReadAClassPathFrom() throws Exception {
        Class<?> main = new Defining().define(MAIN);
        assertThatThrownBy(() -> WorkerClassPath.resolve(List.of(), main, "/x/a.jar"))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining(Defining.class.getName() + ", which is not a URLClassLoader")
                .hasMessageContaining("Set the worker class path explicitly");
    }

    @Test
    void shouldStartASpringBoot32JarThroughItsPropertiesLauncher(@TempDir Path tmp) throws Exception {
        Path app = bootJar(tmp.resolve("app.jar"), "org.springframework.boot.loader.launch.JarLauncher",
                "BOOT-INF/lib/", "org/springframework/boot/loader/launch/PropertiesLauncher.class");
        WorkerClassPath cp = resolveUnderNonSystemLoader(app);
        assertThat(cp.classPath()).containsExactly(app.toString());
        assertThat(cp.mainClass()).isEqualTo("org.springframework.boot.loader.launch.PropertiesLauncher");
        assertThat(cp.jvmOptions()).containsExactly("-Dloader.main=" + MAIN);
    }

    @Test
    void shouldStartAnOlderSpringBootJarThroughTheOldLauncherPackage(@TempDir Path tmp) throws Exception {
        Path app = bootJar(tmp.resolve("app.jar"), "org.springframework.boot.loader.JarLauncher", "BOOT-INF/lib/",
                "org/springframework/boot/loader/PropertiesLauncher.class");
        assertThat(resolveUnderNonSystemLoader(app).mainClass())
                .isEqualTo("org.springframework.boot.loader.PropertiesLauncher");
    }

    @Test
    void shouldRefuseASpringBootWarWhoseLibrariesPropertiesLauncherDoesNotRead(@TempDir Path tmp) throws Exception {
        Path app = bootJar(tmp.resolve("app.war"), "org.springframework.boot.loader.launch.WarLauncher",
                "WEB-INF/lib/", "org/springframework/boot/loader/launch/PropertiesLauncher.class");
        assertThatThrownBy(() -> resolveUnderNonSystemLoader(app)).isInstanceOf(PipelineException.class)
                .hasMessageContaining("WEB-INF/lib/").hasMessageContaining("workerClassPath");
    }

    @Test
    void shouldNotTakeAPlainJarForASpringBootOne(@TempDir Path tmp) throws Exception {
        Path plain = bootJar(tmp.resolve("plain.jar"), "com.example.Main", null, "com/example/Main.class");
        assertThat(WorkerClassPath.springBootPropertiesLauncher(plain)).isNull();
        assertThat(WorkerClassPath.springBootPropertiesLauncher(tmp)).isNull();
    }

    private static WorkerClassPath resolveUnderNonSystemLoader(Path javaClassPath) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[]{CLASSES.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            return WorkerClassPath.resolve(List.of(), Class.forName(MAIN, false, loader), javaClassPath.toString());
        }
    }

    private static Path bootJar(Path file, String mainClass, String lib, String entry) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        if (lib != null) {
            mf.getMainAttributes().putValue("Spring-Boot-Lib", lib);
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, mf)) {
            jar.putNextEntry(new JarEntry(entry));
            jar.closeEntry();
        }
        return file;
    }

    /** Loads this module's classes itself before asking its parent (the system loader). */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(Path classes) throws IOException {
            super(new URL[]{classes.toUri().toURL()}, ClassLoader.getSystemClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (name.startsWith("dev.hybridetl.cpu.processes.")) {
                    Class<?> c = findLoadedClass(name);
                    return c != null ? c : findClass(name);
                }
                return super.loadClass(name, resolve);
            }
        }
    }

    /** A class loader that is no URLClassLoader: defines the class from bytes. */
    private static final class Defining extends ClassLoader {
        Defining() {
            super(ClassLoader.getPlatformClassLoader());
        }

        Class<?> define(String name) throws IOException {
            try (InputStream in = WorkerMain.class.getResourceAsStream(WorkerMain.class.getSimpleName() + ".class")) {
                byte[] bytes = in.readAllBytes();
                return defineClass(name, bytes, 0, bytes.length);
            }
        }
    }
}
