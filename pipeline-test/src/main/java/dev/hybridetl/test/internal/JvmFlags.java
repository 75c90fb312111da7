package dev.hybridetl.test.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JVM flags a JVM that opens Chronicle queues needs (the pipeline side of the {@code processes} placement; worker
 * JVMs get them from their launcher), checked in this JVM so that a test fails at once with the flags to add
 * instead of failing later, deep in Chronicle, or hanging.
 */
public final class JvmFlags {
    /** {@code module/package} pairs that must be opened, and then exported, to unnamed modules. */
    private static final List<String> OPENS = List.of("java.base/java.lang.reflect", "java.base/java.lang",
            "java.base/java.nio", "java.base/sun.nio.ch");
    private static final List<String> EXPORTS = List.of("java.base/sun.nio.ch", "java.base/jdk.internal.ref",
            "java.base/jdk.internal.misc", "jdk.unsupported/sun.misc");

    private JvmFlags() {
    }

    /** Every flag, as it goes on a command line or into Surefire's {@code argLine}. */
    public static List<String> all() {
        List<String> flags = new ArrayList<>();
        OPENS.forEach(p -> flags.add("--add-opens=" + p + "=ALL-UNNAMED"));
        EXPORTS.forEach(p -> flags.add("--add-exports=" + p + "=ALL-UNNAMED"));
        return flags;
    }

    /** The flags this JVM lacks. */
    public static List<String> missing() {
        Module unnamed = JvmFlags.class.getClassLoader().getUnnamedModule();
        List<String> missing = new ArrayList<>();
        for (String p : OPENS) {
            if (!module(p).map(m -> m.isOpen(pkg(p), unnamed)).orElse(true)) {
                missing.add("--add-opens=" + p + "=ALL-UNNAMED");
            }
        }
        for (String p : EXPORTS) {
            if (!module(p).map(m -> m.isExported(pkg(p), unnamed)).orElse(true)) {
                missing.add("--add-exports=" + p + "=ALL-UNNAMED");
            }
        }
        return missing;
    }

    /**
     * @throws IllegalStateException naming the missing flags and where to put them, if this JVM lacks any
     */
    public static void requireForProcesses() {
        List<String> missing = missing();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the processes placement needs these JVM flags in the test JVM, which"
                    + " lacks " + String.join(" ", missing) + ". Add them all to Surefire's argLine: <argLine>"
                    + String.join(" ", all()) + "</argLine> (docs/testing.md)");
        }
    }

    private static Optional<Module> module(String modulePackage) {
        return ModuleLayer.boot().findModule(modulePackage.substring(0, modulePackage.indexOf('/')));
    }

    private static String pkg(String modulePackage) {
        return modulePackage.substring(modulePackage.indexOf('/') + 1);
    }
}
