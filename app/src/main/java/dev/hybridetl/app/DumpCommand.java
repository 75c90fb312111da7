package dev.hybridetl.app;

import dev.hybridetl.app.PipelineJvms.Jvm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code dump PID}: the threads of a running pipeline's JVM and of each of its worker JVMs, with deadlocks. */
@Command(name = "dump", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Print the thread dump of a running pipeline's JVM and of every worker JVM of its run, each in a "
                        + "section headed by the JVM's role (pipeline, or worker N of stage S), its pid and whether "
                        + "it has a deadlock; a deadlock's threads are named in the header and described at the end "
                        + "of the section.",
                "PID is the pipeline's (the java process that runs 'pipeline-app run', or an application that "
                        + "embeds the library; 'jps -l' lists Java processes). It must belong to this user. Taking a "
                        + "dump pauses each JVM briefly and changes nothing in it. Same text as 'jcmd PID "
                        + "Thread.print -l', taken through the JDK's Attach API; needs a JDK, not a JRE."},
        footer = {"", "Examples:",
                "  java -jar pipeline-app.jar dump 12345 > dump.txt",
                "  java -jar pipeline-app.jar dump $(pgrep -f 'pipeline-app.jar run')",
                "", "Exit codes: 0 dumped every JVM, 1 a worker could not be dumped (it may have just restarted), "
                + "2 PID is not a running pipeline this user can attach to."})
final class DumpCommand implements Callable<Integer> {
    /**
     * The name of a run's event-loop thread, before its number: the mark of a JVM with a pipeline running (the
     * engine names it so, in pipeline-api's RunThreads; app tests check the two agree).
     */
    static final String EVENT_LOOP_THREAD = "etl-event-loop-";
    private static final Pattern DEADLOCKED_THREAD = Pattern.compile("^\"(.+)\":$", Pattern.MULTILINE);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PID", description = "Process id of the pipeline's JVM.")
    long pid;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ProcessHandle pipeline = checkedPipelineProcess();
        String pipelineDump = dumpOrUsageProblem();
        if (!pipelineDump.contains('"' + EVENT_LOOP_THREAD)) {
            throw new Main.UsageProblem("pid " + pid + " is a JVM, but no hybrid-etl pipeline is running in it (it "
                    + "has no " + EVENT_LOOP_THREAD + "N thread)");
        }
        List<Jvm> workers = PipelineJvms.workersOf(pipeline);
        List<String> deadlocked = new ArrayList<>();
        int failed = 0;
        print(out, Jvm.pipeline(pid), pipelineDump, deadlocked);
        for (Jvm worker : workers) {
            try {
                print(out, worker, ThreadDumper.dump(worker.pid()), deadlocked);
            } catch (ThreadDumper.DumpFailure e) {
                failed++;
                out.println("==== " + worker.role() + ", pid " + worker.pid() + ": no dump ====");
                out.println(e.getMessage());
                out.println();
            }
        }
        out.println("dumped " + (1 + workers.size() - failed) + " of " + (1 + workers.size()) + " JVMs (pipeline and "
                + workers.size() + " worker" + (workers.size() == 1 ? "" : "s") + "): "
                + (deadlocked.isEmpty() ? "no deadlock" : "DEADLOCK in " + String.join(", ", deadlocked)));
        out.flush();
        return failed == 0 ? 0 : Main.EXIT_FAILED;
    }

    private ProcessHandle checkedPipelineProcess() {
        ProcessHandle process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .orElseThrow(() -> new Main.UsageProblem("no process with pid " + pid));
        if (process.pid() == ProcessHandle.current().pid()) {
            throw new Main.UsageProblem("pid " + pid + " is this dump command itself: give the pid of the pipeline");
        }
        Optional<Jvm> worker = PipelineJvms.asWorker(process);
        if (worker.isPresent()) {
            String parent = process.parent().map(p -> ", pid " + p.pid()).orElse("");
            throw new Main.UsageProblem("pid " + pid + " is a hybrid-etl " + worker.get().role() + ", not a pipeline: "
                    + "dump its pipeline" + parent + ", which dumps its workers too");
        }
        return process;
    }

    private String dumpOrUsageProblem() {
        try {
            return ThreadDumper.dump(pid);
        } catch (ThreadDumper.DumpFailure e) {
            throw new Main.UsageProblem(e.getMessage());
        }
    }

    private static void print(PrintWriter out, Jvm jvm, String dump, List<String> deadlocked) {
        Set<String> threads = deadlockedThreads(dump);
        String verdict = threads.isEmpty() ? "no deadlock" : "DEADLOCK of " + threads.size() + " threads: \""
                + String.join("\", \"", threads) + "\" (see 'Java-level deadlock' at the end of this section)";
        if (!threads.isEmpty()) {
            deadlocked.add(jvm.role());
        }
        out.println("==== " + jvm.role() + ", pid " + jvm.pid() + ": " + verdict + " ====");
        out.println(dump.strip());
        out.println();
    }

    /**
     * The threads in the dump's deadlock reports: the JVM's own detection, which {@code Thread.print} runs and
     * reports as "Found one Java-level deadlock:", a list of {@code "name":} entries, then their stacks.
     */
    static Set<String> deadlockedThreads(String dump) {
        Set<String> names = new LinkedHashSet<>();
        int at = dump.indexOf("Java-level deadlock:");
        while (at >= 0) {
            int end = dump.indexOf("Java stack information for the threads listed above", at);
            Matcher m = DEADLOCKED_THREAD.matcher(dump.substring(at, end < 0 ? dump.length() : end));
            while (m.find()) {
                names.add(m.group(1));
            }
            at = dump.indexOf("Java-level deadlock:", at + 1);
        }
        return names;
    }
}
