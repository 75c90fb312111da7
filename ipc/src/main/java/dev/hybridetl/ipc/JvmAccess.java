package dev.hybridetl.ipc;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What every JVM that opens a Chronicle queue or an Agrona buffer needs from the JDK, and whether this JVM has it.
 *
 * <p>The lists are written once, as the parent POM's {@code jvm.add-opens}, {@code jvm.add-exports} and
 * {@code jvm.quiet-properties}; the build copies them into {@code dev/hybridetl/ipc/jvm-access.properties} in this
 * jar, the jars' manifests carry them as {@code Add-Opens} / {@code Add-Exports}, and the tests' {@code argLine} is
 * derived from them. Everything else asks this class: the worker launcher ({@link #childJvmFlags()}), the check
 * before a stage starts on worker processes ({@link #missingFlags()}), {@code pipeline-app jvm-flags} and the
 * benchmarks.
 *
 * <p>Packages are opened and exported to {@code ALL-UNNAMED}: every unnamed module, that is every class loader's
 * class path, Spring Boot's nested-jar loader included.
 *
 * <p>Thread-safe; the lists are read once.
 */
public final class JvmAccess {
    /** The target of every flag: all unnamed modules (code on a class path). */
    public static final String ALL_UNNAMED = "ALL-UNNAMED";
    static final String RESOURCE = "jvm-access.properties";

    private static final List<String> OPENS;
    private static final List<String> EXPORTS;
    private static final Map<String, String> QUIET_PROPERTIES;

    static {
        Properties p = load();
        OPENS = list(p, "add-opens");
        EXPORTS = list(p, "add-exports");
        Map<String, String> quiet = new LinkedHashMap<>();
        for (String kv : list(p, "quiet-properties")) {
            int eq = kv.indexOf('=');
            quiet.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
        }
        QUIET_PROPERTIES = Collections.unmodifiableMap(quiet);
    }

    private JvmAccess() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = JvmAccess.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + JvmAccess.class.getName());
            }
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE + ": " + e, e);
        }
        return p;
    }

    private static List<String> list(Properties p, String key) {
        String value = p.getProperty(key, "").trim();
        if (value.isEmpty() || value.contains("${")) {
            throw new IllegalStateException(RESOURCE + " has no '" + key + "' list (was '" + value
                    + "'): the ipc module must be built by Maven, which fills it in from the parent POM");
        }
        return List.of(value.split("\\s+"));
    }

    /** Packages to open, as {@code module/package} (the format of the {@code Add-Opens} manifest attribute). */
    public static List<String> opens() {
        return OPENS;
    }

    /** Packages to export, as {@code module/package} (the format of the {@code Add-Exports} manifest attribute). */
    public static List<String> exports() {
        return EXPORTS;
    }

    /** System properties that keep Chronicle quiet: no usage analytics, no client-id file, no banner. */
    public static Map<String, String> quietProperties() {
        return QUIET_PROPERTIES;
    }

    /**
     * The flags to put on a {@code java} command line, valid on every JDK from 17 on: {@code --add-opens},
     * {@code --add-exports} (each {@code =ALL-UNNAMED}), then the quiet-start {@code -D} properties.
     */
    public static List<String> requiredFlags() {
        List<String> flags = new ArrayList<>(accessFlags(OPENS, EXPORTS));
        QUIET_PROPERTIES.forEach((k, v) -> flags.add("-D" + k + "=" + v));
        return List.copyOf(flags);
    }

    private static List<String> accessFlags(List<String> opens, List<String> exports) {
        List<String> flags = new ArrayList<>();
        opens.forEach(o -> flags.add("--add-opens=" + o + "=" + ALL_UNNAMED));
        exports.forEach(e -> flags.add("--add-exports=" + e + "=" + ALL_UNNAMED));
        return flags;
    }

    /**
     * Flags that a JVM of this feature version accepts and that keep it from warning about what Chronicle and
     * Agrona do: {@code --enable-native-access=ALL-UNNAMED} from JDK 22 (the option exists since 16; restricted
     * methods warn from 22), {@code --sun-misc-unsafe-memory-access=allow} from JDK 23 (JEP 471; an older JVM does
     * not start with it; from 24 the default warns on first use). Never more than the given JDK accepts.
     */
    public static List<String> versionFlags(int javaFeatureVersion) {
        List<String> flags = new ArrayList<>();
        if (javaFeatureVersion >= 22) {
            flags.add("--enable-native-access=" + ALL_UNNAMED);
        }
        if (javaFeatureVersion >= 23) {
            flags.add("--sun-misc-unsafe-memory-access=allow");
        }
        return List.copyOf(flags);
    }

    /** Every flag for a child JVM started from this JVM's {@code java} binary: required plus version flags. */
    public static List<String> childJvmFlags() {
        List<String> flags = new ArrayList<>(requiredFlags());
        flags.addAll(versionFlags(Runtime.version().feature()));
        return List.copyOf(flags);
    }

    /** The two manifest lines that give an executable jar the same access under {@code java -jar}. */
    public static List<String> manifestAttributes() {
        return List.of("Add-Opens: " + String.join(" ", OPENS), "Add-Exports: " + String.join(" ", EXPORTS));
    }

    /** Sets the quiet-start system properties in this JVM, except those the user has set. */
    public static void setQuietProperties() {
        QUIET_PROPERTIES.forEach((k, v) -> {
            if (System.getProperty(k) == null) {
                System.setProperty(k, v);
            }
        });
    }

    /**
     * The {@code --add-opens} / {@code --add-exports} flags this JVM lacks for the code that uses Chronicle and
     * Agrona (the module of this class: its class loader's unnamed module); empty when it has them all.
     */
    public static List<String> missingFlags() {
        return missingFlags(JvmAccess.class.getModule());
    }

    static List<String> missingFlags(Module target) {
        return missingFlags(target, OPENS, EXPORTS);
    }

    static List<String> missingFlags(Module target, List<String> opens, List<String> exports) {
        List<String> missingOpens = new ArrayList<>();
        for (String o : opens) {
            Optional<Module> m = module(o);
            if (m.isEmpty() || !m.get().isOpen(packageName(o), target)) {
                missingOpens.add(o);
            }
        }
        List<String> missingExports = new ArrayList<>();
        for (String e : exports) {
            Optional<Module> m = module(e);
            if (m.isEmpty() || !m.get().isExported(packageName(e), target)) {
                missingExports.add(e);
            }
        }
        return accessFlags(missingOpens, missingExports);
    }

    private static Optional<Module> module(String modulePackage) {
        return ModuleLayer.boot().findModule(modulePackage.substring(0, modulePackage.indexOf('/')));
    }

    private static String packageName(String modulePackage) {
        return modulePackage.substring(modulePackage.indexOf('/') + 1);
    }

    /**
     * Why Chronicle cannot start under the class loader of this class (which loads Chronicle too), or empty. When
     * its class loader is a {@link URLClassLoader}, Chronicle Wire turns every one of its URLs into a file-system
     * path as it initialises, and fails on a URL no file system serves, such as the {@code jar:file:...!/BOOT-INF/lib/
     * x.jar!/} of Spring Boot's loader before 3.2 (from 3.2 on, {@code jar:nested:} URLs have a file system).
     */
    public static Optional<String> classLoaderProblem() {
        return classLoaderProblem(JvmAccess.class.getClassLoader());
    }

    static Optional<String> classLoaderProblem(ClassLoader loader) {
        if (!(loader instanceof URLClassLoader ucl)) {
            return Optional.empty();
        }
        for (URL url : ucl.getURLs()) {
            try {
                Paths.get(url.toURI());
            } catch (URISyntaxException | IllegalArgumentException e) {
                // Chronicle skips these
            } catch (RuntimeException e) {
                return Optional.of("Chronicle Queue cannot start under the class loader " + loader.getClass().getName()
                        + ": it turns each of the loader's URLs into a file path, and " + url + " is none ("
                        + e.getClass().getSimpleName() + "). Spring Boot's loader before 3.2 loads nested jars from "
                        + "such URLs: use Spring Boot 3.2 or newer, run the jar unpacked (unzip app.jar -d app; java "
                        + "<flags> -cp app org.springframework.boot.loader.JarLauncher), or place the stage on "
                        + "threads.");
            }
        }
        return Optional.empty();
    }

    /**
     * The message for a JVM that lacks flags: which ones, and the three usual ways to pass them.
     *
     * @param what what needs them, e.g. {@code "stage 'enrich' on worker processes"}
     * @param missing the flags it lacks (from {@link #missingFlags()})
     */
    public static String missingFlagsMessage(String what, List<String> missing) {
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder();
        sb.append(what).append(" uses Chronicle Queue and Agrona, which need JVM flags that this JVM was started "
                + "without:").append(nl);
        missing.forEach(f -> sb.append("    ").append(f).append(nl));
        sb.append("Pass the full set (`java -jar pipeline-app.jar jvm-flags` prints it; in code: "
                + JvmAccess.class.getName() + ".requiredFlags()) in one of three ways:").append(nl);
        sb.append("  1. on the java command line (or in the JDK_JAVA_OPTIONS environment variable):").append(nl)
                .append("    java ").append(String.join(" ", accessFlags(OPENS, EXPORTS))).append(" ...")
                .append(nl);
        sb.append("  2. in the manifest of an executable jar started with `java -jar` (maven-jar-plugin or "
                + "maven-shade-plugin <manifestEntries>, which spring-boot-maven-plugin's repackage keeps; "
                + "Gradle jar/bootJar manifest attributes):").append(nl);
        manifestAttributes().forEach(a -> sb.append("    ").append(a).append(nl));
        sb.append("  3. for tests: Maven Surefire/Failsafe <argLine>, Gradle test { jvmArgs ... }, with the flags of 1.");
        return sb.toString();
    }
}
