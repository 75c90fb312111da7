package dev.hybridetl.bench;

import dev.hybridetl.ipc.JvmAccess;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of {@code benchmarks.jar}: JMH's own command line ({@code org.openjdk.jmh.Main}), with the JVM flags
 * Chronicle and Agrona need ({@link JvmAccess}) appended to every forked JVM's options after any
 * {@code -jvmArgsAppend} given. JMH forks with {@code java -cp}, which does not read the jar manifest's
 * {@code Add-Opens}/{@code Add-Exports}, and {@code @Fork(jvmArgsAppend)} only takes constants, so the flags are added
 * here, from the one list, instead of being copied into each benchmark. A fork on another JVM ({@code -jvm}) gets the
 * flags every JDK 17+ accepts; one on this JVM also those that keep this JDK quiet.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        CommandLineOptions cmd;
        try {
            cmd = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            org.openjdk.jmh.Main.main(args); // prints JMH's own message
            return;
        }
        if (cmd.shouldHelp() || cmd.shouldList() || cmd.shouldListWithParams() || cmd.shouldListProfilers()
                || cmd.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        new Runner(new OptionsBuilder().parent(cmd).jvmArgsAppend(forkFlags(cmd)).build()).run();
    }

    /** The user's {@code -jvmArgsAppend}, then the Chronicle flags. */
    static String[] forkFlags(CommandLineOptions cmd) {
        List<String> flags = new ArrayList<>(cmd.getJvmArgsAppend().orElse(List.of()));
        flags.addAll(cmd.getJvm().hasValue() ? JvmAccess.requiredFlags() : JvmAccess.childJvmFlags());
        return flags.toArray(String[]::new);
    }
}
