package dev.hybridetl.app;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Takes the thread dump of another JVM of this user, as {@code jcmd <pid> Thread.print -l} does: through the JDK's
 * Attach API ({@code jdk.attach}), the same command and the same text, deadlock detection included ("Found one
 * Java-level deadlock"), with nothing to install in the target and nothing left running there.
 *
 * <p>Why this way. {@code jcmd} itself would need a JDK's {@code bin/} beside the target's {@code java} and one JVM
 * start per dump; JMX would need the target to start a management agent, which stays. The Attach API's public half
 * attaches, but running a diagnostic command is {@code HotSpotVirtualMachine.executeJCmd}, in the unexported package
 * {@code sun.tools.attach}: the jar's manifest exports it ({@code Add-Exports}), so {@code java -jar} needs no flag,
 * and without the export the error says which flag to add. It works across JDK versions (17 dumps 25 and back).
 */
final class ThreadDumper {
    /** What {@code executeJCmd} needs exported, as the manifest's {@code Add-Exports} spells it (app/pom.xml). */
    static final String EXPORT = "jdk.attach/sun.tools.attach";
    /** The JVM flag that exports it, for a JVM not started with {@code java -jar}. */
    static final String EXPORT_FLAG = "--add-exports=" + EXPORT + "=ALL-UNNAMED";
    private static final String COMMAND = "Thread.print -l";

    private ThreadDumper() {
    }

    /** A dump that could not be taken; the message is one line that says why. */
    static final class DumpFailure extends Exception {
        private static final long serialVersionUID = 1L;

        DumpFailure(String message) {
            super(message);
        }
    }

    /**
     * The thread dump of JVM {@code pid}, blocking for as long as the target takes (a safepoint; well under a
     * second for a healthy JVM).
     *
     * @throws DumpFailure if this runtime cannot attach, or the process is not a JVM this user may attach to
     */
    static String dump(long pid) throws DumpFailure {
        Method executeJCmd = executeJCmd();
        requireJvm(pid);
        VirtualMachine vm = attach(pid);
        try (InputStream in = (InputStream) executeJCmd.invoke(vm, COMMAND)) {
            return readAll(in);
        } catch (InvocationTargetException e) {
            throw new DumpFailure("pid " + pid + " did not answer " + COMMAND + ": " + e.getCause());
        } catch (IllegalAccessException | IOException e) {
            throw new DumpFailure("pid " + pid + " did not answer " + COMMAND + ": " + e);
        } finally {
            try {
                vm.detach();
            } catch (IOException e) {
                // the dump is taken; a detach that fails leaves nothing behind in the target
            }
        }
    }

    /**
     * Reads to the end with plain {@code read(buf)} calls: on JDK 17, {@code readAllBytes()} on the attach stream
     * returned only the first 4 KiB of a 30 KiB dump (seen, not explained), while reading to -1 gets it all.
     */
    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            text.write(buf, 0, n);
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    /**
     * Refuses a process that is not a JVM before attaching: attaching begins with a SIGQUIT, which a JVM answers
     * by starting its attach listener and most other programs by dying. On Linux the process's memory map shows
     * whether it runs a JVM; elsewhere the Attach API's own list (JVMs with performance data) is asked.
     */
    private static void requireJvm(long pid) throws DumpFailure {
        Path maps = Path.of("/proc", Long.toString(pid), "maps");
        boolean jvm;
        if (Files.isReadable(maps)) {
            try (Stream<String> lines = Files.lines(maps, StandardCharsets.ISO_8859_1)) {
                jvm = lines.anyMatch(line -> line.contains("/libjvm."));
            } catch (IOException | UncheckedIOException e) {
                throw new DumpFailure("cannot read " + maps + ": " + e.getMessage());
            }
        } else {
            String id = Long.toString(pid);
            jvm = VirtualMachine.list().stream().anyMatch(d -> d.id().equals(id));
        }
        if (!jvm) {
            throw new DumpFailure("pid " + pid + " is not a Java process");
        }
    }

    private static VirtualMachine attach(long pid) throws DumpFailure {
        try {
            return VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            throw new DumpFailure("cannot attach to pid " + pid + " (is it a JVM of this user, started without "
                    + "-XX:+DisableAttachMechanism?): " + e.getMessage());
        }
    }

    private static Method executeJCmd() throws DumpFailure {
        try {
            Class<?> hotSpot = Class.forName("sun.tools.attach.HotSpotVirtualMachine");
            if (!hotSpot.getModule().isExported(hotSpot.getPackageName(), ThreadDumper.class.getModule())) {
                throw new DumpFailure("dump needs the JVM flag " + EXPORT_FLAG + " (java -jar pipeline-app.jar "
                        + "has it in the jar's manifest)");
            }
            return hotSpot.getMethod("executeJCmd", String.class);
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
            throw new DumpFailure("this Java runtime cannot take thread dumps (it lacks the jdk.attach module: a JRE?"
                    + "): run dump with a JDK");
        }
    }
}
