package dev.hybridetl.test.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Descendant processes of this JVM (worker JVMs above all). One that started during the test and still runs is a
 * leak; a zombie (ended, not yet reaped) counts as ended.
 */
public final class ProcessProbe implements ResourceProbe {

    @Override
    public Baseline baseline() {
        Set<Long> before = running().stream().map(ProcessHandle::pid).collect(Collectors.toSet());
        return () -> running().stream().filter(p -> !before.contains(p.pid())).map(ProcessProbe::describe).toList();
    }

    private static List<ProcessHandle> running() {
        return ProcessHandle.current().descendants().filter(ProcessProbe::isRunning).toList();
    }

    /** Alive and not a zombie. */
    static boolean isRunning(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc/" + p.pid() + "/stat");
        if (!Files.exists(stat)) {
            return true;
        }
        try {
            String s = Files.readString(stat);
            return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return p.isAlive();
        }
    }

    private static String describe(ProcessHandle p) {
        String command = p.info().commandLine().orElse(p.info().command().orElse("?"));
        return "process " + p.pid() + " (child of " + p.parent().map(ProcessHandle::pid).orElse(-1L) + "): "
                + (command.length() > 300 ? command.substring(0, 300) + "..." : command);
    }
}
