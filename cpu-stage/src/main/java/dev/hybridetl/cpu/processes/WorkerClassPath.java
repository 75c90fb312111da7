package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.PipelineException;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Where a worker JVM loads its classes from, and how it is started: {@code java <options> -cp <classPath>
 * <mainClass> <worker arguments>}. Resolved once per stage start, in this order (the reasons are in
 * docs/decisions/0004-worker-class-path.md):
 * <ol>
 *   <li>the explicit {@link dev.hybridetl.api.ProcessSettings#workerClassPath()}, every entry checked to exist;</li>
 *   <li>{@link WorkerMain} loaded by the system class loader: this JVM's {@code java.class.path} (a plain class
 *       path, a shaded jar such as {@code pipeline-app.jar}, a jar with a {@code Class-Path} manifest);</li>
 *   <li>a Spring Boot executable jar on {@code java.class.path} ({@code java -jar app.jar}, whose
 *       {@code BOOT-INF/lib} jars only its own launcher can read): the same jar, started through its
 *       {@code PropertiesLauncher} with {@code -Dloader.main=WorkerMain}, so the worker gets the same class loader
 *       layout (and the same {@link java.util.ServiceLoader} view of the transform plugins) as the application;</li>
 *   <li>a chain of {@link URLClassLoader}s with {@code file:} URLs only (a plugin host, {@code mvn exec:java}): those
 *       URLs, parents first, after {@code java.class.path} if the chain ends at the system class loader;</li>
 * </ol>
 * and otherwise fails, saying to set the worker class path explicitly.
 *
 * @param classPath the {@code -cp} entries
 * @param jvmOptions options the start-up needs (Spring Boot: {@code -Dloader.main=...})
 * @param mainClass the class the worker JVM starts
 * @param origin how it was found, for the log
 */
record WorkerClassPath(List<String> classPath, List<String> jvmOptions, String mainClass, String origin) {
    static final String SPRING_BOOT_LOADER = "org.springframework.boot.loader";
    /** PropertiesLauncher settings of this JVM that a worker started through it inherits. */
    private static final List<String> FORWARDED_LOADER_PROPERTIES = List.of("loader.path", "loader.home",
            "loader.config.name", "loader.config.location", "loader.system");

    WorkerClassPath {
        classPath = List.copyOf(classPath);
        jvmOptions = List.copyOf(jvmOptions);
    }

    /** The {@code -cp} value. */
    String joined() {
        return String.join(File.pathSeparator, classPath);
    }

    /** The class path of this JVM's workers. */
    static WorkerClassPath resolve(List<Path> explicit) {
        return resolve(explicit, WorkerMain.class, System.getProperty("java.class.path", ""));
    }

    /**
     * @param workerMain the worker's main class as this JVM loaded it (its class loader decides)
     * @param javaClassPath this JVM's {@code java.class.path}
     * @throws PipelineException when workers could not find their classes, saying what to set
     */
    static WorkerClassPath resolve(List<Path> explicit, Class<?> workerMain, String javaClassPath) {
        String main = workerMain.getName();
        if (!explicit.isEmpty()) {
            List<String> entries = new ArrayList<>();
            for (Path p : explicit) {
                if (!Files.exists(p)) {
                    throw new PipelineException("worker class path entry " + p.toAbsolutePath()
                            + " does not exist (ProcessSettings.workerClassPath)");
                }
                entries.add(p.toAbsolutePath().toString());
            }
            return new WorkerClassPath(entries, List.of(), main, "the explicit worker class path");
        }
        if (workerMain.getModule().isNamed()) {
            throw cannotDerive(workerMain, "it is in the named module '" + workerMain.getModule().getName()
                    + "' (worker JVMs run on a class path)");
        }
        ClassLoader loader = workerMain.getClassLoader();
        List<String> jvmClassPath = split(javaClassPath);
        if (loader == ClassLoader.getSystemClassLoader()) {
            return new WorkerClassPath(jvmClassPath, List.of(), main, "this JVM's class path");
        }
        for (String entry : jvmClassPath) {
            String launcher = springBootPropertiesLauncher(Path.of(entry));
            if (launcher != null) {
                List<String> options = new ArrayList<>();
                options.add("-Dloader.main=" + main);
                for (String key : FORWARDED_LOADER_PROPERTIES) {
                    String value = System.getProperty(key);
                    if (value != null) {
                        options.add("-D" + key + "=" + value);
                    }
                }
                return new WorkerClassPath(jvmClassPath, options, launcher,
                        "the Spring Boot jar " + entry + " through " + launcher);
            }
        }
        return new WorkerClassPath(urlClassPath(workerMain, loader, jvmClassPath), List.of(), main,
                "the file URLs of " + loader.getClass().getName());
    }

    private static List<String> split(String classPath) {
        return classPath.isEmpty() ? List.of() : Arrays.asList(classPath.split(File.pathSeparator));
    }

    /**
     * The Spring Boot {@code PropertiesLauncher} of this archive, when it is a Spring Boot executable jar with the
     * standard layout ({@code BOOT-INF/classes}, {@code BOOT-INF/lib}); otherwise {@code null}. The launcher's
     * package follows the archive's {@code Main-Class}: {@code org.springframework.boot.loader.launch} from Spring
     * Boot 3.2 on, {@code org.springframework.boot.loader} before.
     */
    static String springBootPropertiesLauncher(Path archive) {
        if (!Files.isRegularFile(archive)) {
            return null;
        }
        try (JarFile jar = new JarFile(archive.toFile(), false)) {
            Manifest mf = jar.getManifest();
            if (mf == null) {
                return null;
            }
            Attributes a = mf.getMainAttributes();
            String mainClass = a.getValue(Attributes.Name.MAIN_CLASS);
            boolean boot = a.getValue("Spring-Boot-Lib") != null
                    || (mainClass != null && mainClass.startsWith(SPRING_BOOT_LOADER + "."));
            if (!boot) {
                return null;
            }
            String lib = a.getValue("Spring-Boot-Lib");
            if (lib != null && !lib.equals("BOOT-INF/lib/")) {
                throw new PipelineException("worker JVMs cannot be started from the Spring Boot archive " + archive
                        + ": its libraries are in " + lib + ", and only a jar's BOOT-INF/lib/ is read by "
                        + "PropertiesLauncher; set ProcessSettings.workerClassPath (e.g. to the jars of an extracted "
                        + "copy: java -Djarmode=tools -jar <archive> extract)");
            }
            String pkg = mainClass != null && mainClass.startsWith(SPRING_BOOT_LOADER + ".")
                    ? mainClass.substring(0, mainClass.lastIndexOf('.')) : SPRING_BOOT_LOADER + ".launch";
            for (String candidate : List.of(pkg, SPRING_BOOT_LOADER + ".launch", SPRING_BOOT_LOADER)) {
                if (jar.getEntry(candidate.replace('.', '/') + "/PropertiesLauncher.class") != null) {
                    return candidate + ".PropertiesLauncher";
                }
            }
            throw new PipelineException("worker JVMs cannot be started from the Spring Boot archive " + archive
                    + ": it has no PropertiesLauncher; set ProcessSettings.workerClassPath");
        } catch (IOException e) {
            return null; // not a jar: a directory or a file the JVM ignores too
        }
    }

    private static List<String> urlClassPath(Class<?> workerMain, ClassLoader loader, List<String> jvmClassPath) {
        Deque<List<String>> layers = new ArrayDeque<>();
        boolean reachesSystemLoader = false;
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l == ClassLoader.getSystemClassLoader()) {
                reachesSystemLoader = true;
                break;
            }
            if (l == ClassLoader.getPlatformClassLoader()) {
                break;
            }
            if (!(l instanceof URLClassLoader ucl)) {
                throw cannotDerive(workerMain, "it was loaded through " + l.getClass().getName()
                        + ", which is not a URLClassLoader");
            }
            List<String> layer = new ArrayList<>();
            for (URL url : ucl.getURLs()) {
                if (!"file".equals(url.getProtocol())) {
                    throw cannotDerive(workerMain, l.getClass().getName() + " loads from " + url
                            + ", which is not a file a worker's class path can name");
                }
                try {
                    layer.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    throw cannotDerive(workerMain, l.getClass().getName() + " loads from " + url
                            + ", which is not a file a worker's class path can name");
                }
            }
            layers.push(layer); // parents end up first, as a URLClassLoader delegates to them first
        }
        List<String> entries = new ArrayList<>(reachesSystemLoader ? jvmClassPath : List.of());
        layers.forEach(entries::addAll);
        return entries;
    }

    private static PipelineException cannotDerive(Class<?> workerMain, String why) {
        return new PipelineException("worker JVMs cannot find their classes: " + workerMain.getName()
                + " cannot be located on a class path because " + why + ". Set the worker class path explicitly: "
                + "ProcessSettings.withWorkerClassPath(List.of(<the jars and directories holding hybrid-etl, your "
                + "transforms and their dependencies>)).");
    }
}
