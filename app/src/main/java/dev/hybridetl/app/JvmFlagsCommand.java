package dev.hybridetl.app;

import dev.hybridetl.ipc.JvmAccess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints the JVM flags a JVM that runs worker processes needs, from the one list in {@link JvmAccess}. */
@Command(name = "jvm-flags", mixinStandardHelpOptions = true,
        description = {"Print the JVM flags that a JVM using the processes placement needs (Chronicle Queue and "
                + "Agrona reach into JDK internals), one a line, for a java command line, Surefire's argLine or "
                + "Gradle's jvmArgs. pipeline-app.jar carries them in its manifest; an application that embeds the "
                + "library passes them itself. Worker JVMs get them from the pipeline.",
                "",
                "Examples:",
                "  java $(java -jar pipeline-app.jar jvm-flags) -cp 'lib/*' my.Main",
                "  java -jar pipeline-app.jar jvm-flags --manifest > flags.mf",
                "  jar ufm my-app.jar flags.mf"})
final class JvmFlagsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--manifest",
            description = "Print the Add-Opens and Add-Exports lines of an executable jar's manifest instead.")
    boolean manifest;

    @Option(names = "--for-this-jdk",
            description = "Also print the flags that this JDK (${java.version}) accepts and that keep it from "
                    + "warning about native and sun.misc.Unsafe memory access; an older JDK may not start with them.")
    boolean forThisJdk;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> lines = new ArrayList<>(manifest ? JvmAccess.manifestAttributes() : JvmAccess.requiredFlags());
        if (forThisJdk && !manifest) {
            lines.addAll(JvmAccess.versionFlags(Runtime.version().feature()));
        }
        lines.forEach(out::println);
    }
}
