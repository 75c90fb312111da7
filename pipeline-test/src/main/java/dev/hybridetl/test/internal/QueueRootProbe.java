package dev.hybridetl.test.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code hybrid-etl-*} entries in {@code /dev/shm} and {@code java.io.tmpdir}: the default queue roots of the
 * processes placement ({@code hybrid-etl-<digits>}, each stage in a subdirectory locked by {@code owner.lock} that
 * holds its owner's PID), and other temporary files of ours (such as the CLI's copy of its bundled sample). One
 * that appeared during the test and is still there is a leak, unless an {@code owner.lock} in it names a process
 * that is neither this JVM nor one of its descendants (another JVM's run on the same machine). The worker class
 * archive cache, {@code hybrid-etl-cds-<user>}, is kept across runs by design and never counts.
 */
public final class QueueRootProbe implements ResourceProbe {
    static final String PREFIX = "hybrid-etl-";
    static final String CLASS_ARCHIVE_CACHE = "hybrid-etl-cds-";
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
                list.filter(p -> {
                    String name = p.getFileName().toString();
                    return name.startsWith(PREFIX) && !name.startsWith(CLASS_ARCHIVE_CACHE);
                }).forEach(all::add);
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
        if (!Files.isDirectory(entry)) {
            return "temporary file " + entry;
        }
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
