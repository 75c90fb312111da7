package dev.hybridetl.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * Entry point of {@code pipeline-app.jar}.
 *
 * <p>Exit codes: 0 success, 1 the run failed, 2 bad command line or bad input (missing file, unknown transform).
 * Errors print one line on stderr; {@code --verbose} adds the stack trace.
 */
@Command(name = "pipeline-app",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
                "Hybrid ETL pipelines: asynchronous file ingest on an event loop, CPU-bound transforms on threads or "
                        + "worker processes, an ordered atomic writer.",
                ""},
        subcommands = {RunCommand.class, TransformsCommand.class, JvmFlagsCommand.class, DumpCommand.class,
                ProfileCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Start here:  java -jar app/target/pipeline-app.jar run",
                "             (flights-enrich on the bundled 200k-row sample; output in ./out/)"})
public final class Main {
    /** Exit code of a run that failed. */
    static final int EXIT_FAILED = 1;
    /** Exit code of a bad command line or bad input. */
    static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given streams and returns the exit code; never calls System.exit. */
    static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        // --worker-jvm-option takes JVM options, which start with '-': without this, picocli read
        // --worker-jvm-option=-verbose:gc as a missing value followed by -v (--verbose).
        cl.setAllowOptionsAsOptionParameters(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine failed = ex.getCommandLine();
            err.println("pipeline-app: " + ex.getMessage() + " (see '" + failed.getCommandSpec().qualifiedName()
                    + " --help')");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            boolean verbose = failed.getCommand() instanceof RunCommand rc && rc.verbose();
            if (ex instanceof UsageProblem) {
                err.println("pipeline-app: " + ex.getMessage());
                return EXIT_USAGE;
            }
            String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            if (verbose) {
                err.println("pipeline-app: " + message);
                ex.printStackTrace(err);
            } else {
                err.println("pipeline-app: " + message + " (--verbose shows the stack trace)");
            }
            return EXIT_FAILED;
        });
        return cl.execute(args);
    }

    /** A problem with the user's input, reported as one line with exit code 2. */
    static final class UsageProblem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageProblem(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"pipeline-app " + (v == null ? "(development build)" : v),
                    "JVM: ${java.version} (${java.vendor} ${java.vm.name})"};
        }
    }
}
