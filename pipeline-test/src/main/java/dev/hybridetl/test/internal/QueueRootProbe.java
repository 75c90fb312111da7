package dev.hybridetl.test.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The default queue roots of the processes placement in {@code /dev/shm} and {@code java.io.tmpdir}: directories
 * named {@code hybrid-etl-<digits>} (as {@code QueueDirectory} creates them), each stage in a subdirectory locked by
 * {@code owner.lock}, which holds its owner's PID. One that appeared during the test and is still there is a leak,
 * unless an {@code owner.lock} in it names a process that is neither this JVM nor one of its descendants: another
 * JVM's run on the same machine. Other {@code hybrid-etl-*} entries are not roots and never count: the worker class
 * archive cache ({@code hybrid-etl-cds-<user>}, kept by design), and temporary files such as the CLI's copy of its
 * sample, which no lock ties to their owner, so that another JVM's would be taken for ours.
 */
public final class QueueRootProbe implements ResourceProbe {
    private static final Pattern ROOT = Pattern.compile("hybrid-etl-\\d+");
    private static final String LOCK_FILE = "owner.lock";

    private final List<Path> bases;

    /** Watches /dev/shm (where it exists) and the temp directory. */
    public QueueRootProbe() {
        this(defaultBases());
    }

    QueueRootProbe(List<Path> bases) {
        this.bases = bases;
    }

    private static List<Path> defaultBases() {
        List<Path> bases = new ArrayList<>();
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm)) {
            bases.add(shm);
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        if (!bases.contains(tmp)) {
            bases.add(tmp);
        }
        return bases;
    }

    @Override
    public Baseline baseline() {
        Set<Path> before = new HashSet<>(entries());
        return () -> entries().stream().filter(p -> !before.contains(p) && !ownedByAnotherProcess(p))
                .map(QueueRootProbe::describe).toList();
    }

    private List<Path> entries() {
        List<Path> all = new ArrayList<>();
        for (Path base : bases) {
            try (Stream<Path> list = Files.list(base)) {
                list.filter(p -> ROOT.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                        .forEach(all::add);
            } catch (IOException e) {
                // an unreadable base holds nothing we could have left
            }
        }
        return all;
    }

    /** True if a stage lock in {@code root} names a live process that is not this JVM or one of its descendants. */
    static boolean ownedByAnotherProcess(Path root) {
        Set<Long> ours = ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
        ours.add(ProcessHandle.current().pid());
        try (Stream<Path> stages = Files.list(root)) {
            return stages.map(s -> s.resolve(LOCK_FILE)).filter(Files::isRegularFile).map(QueueRootProbe::pid)
                    .anyMatch(pid -> pid > 0 && !ours.contains(pid));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long pid(Path lockFile) {
        try {
            return Long.parseLong(Files.readString(lockFile, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static String describe(Path entry) {
        try (Stream<Path> walk = Files.walk(entry)) {
            List<String> inside = walk.filter(p -> !p.equals(entry)).map(p -> entry.relativize(p).toString())
                    .sorted().toList();
            return "queue directory " + entry + (inside.isEmpty() ? " (empty)" : " holding " + inside.size()
                    + " entries: " + String.join(", ", inside.subList(0, Math.min(6, inside.size())))
                    + (inside.size() > 6 ? ", ..." : ""));
        } catch (IOException | RuntimeException e) {
            return "queue directory " + entry;
        }
    }
}
