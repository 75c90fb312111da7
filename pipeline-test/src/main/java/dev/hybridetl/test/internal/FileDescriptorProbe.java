package dev.hybridetl.test.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Open file descriptors of this JVM, from {@code /proc/self/fd} (where it exists; elsewhere this probe sees
 * nothing). A descriptor that is open after the test and was not, or pointed elsewhere, before it is a leak, unless
 * its target matches {@link #JVM_WIDE}: files the JDK opens once, on first use, and keeps for the JVM's life (what
 * cannot be told apart by its target is opened before the first baseline instead, see {@link #warmUp()}).
 */
public final class FileDescriptorProbe implements ResourceProbe {
    private static final Path FDS = Path.of("/proc/self/fd");
    private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");
    /** Targets opened once per JVM and kept; each line says by whom. */
    static final List<Pattern> JVM_WIDE = Stream.of(
            // class loaders open a class-path archive the first time they load a class from it, and keep it open
            ".*\\.(jar|zip)",
            // the runtime image's class archive
            ".*/lib/modules",
            // SecureRandom (NativePRNG, e.g. for temp file names) keeps these open once it has read them
            "/dev/random", "/dev/urandom")
            .map(Pattern::compile).toList();

    static {
        warmUp();
    }

    /**
     * Opens what the JDK opens once per JVM on first use and keeps, so that it is in every baseline: the first
     * {@code FileChannel} makes NIO create the socket pair it keeps one end of for closing channels asynchronously
     * ({@code socket:[...]}), which cannot be told from a leaked socket afterwards.
     */
    private static void warmUp() {
        try (FileChannel ch = FileChannel.open(Path.of(System.getProperty("java.home"), "release"))) {
            ch.size();
        } catch (IOException | RuntimeException e) {
            // nothing to warm up: nothing the JDK keeps either
        }
    }

    @Override
    public Baseline baseline() {
        if (!Files.isDirectory(FDS)) {
            return List::of;
        }
        Map<String, String> before = open();
        return () -> {
            List<String> leaks = new ArrayList<>();
            open().forEach((fd, target) -> {
                if (!Objects.equals(before.get(fd), target) && !isAllowed(target)) {
                    leaks.add(describe(fd, target));
                }
            });
            return leaks;
        };
    }

    static boolean isAllowed(String target) {
        return JVM_WIDE.stream().anyMatch(p -> p.matcher(target).matches()) || isAttachSocket(target);
    }

    /**
     * The socket of the JDK's attach mechanism ({@code .java_pid<pid>}), opened when a tool (jcmd, jstack, an IDE)
     * attaches and kept with the "Attach Listener" thread.
     */
    private static boolean isAttachSocket(String target) {
        return unixSocketPath(target).map(p -> p.endsWith(".java_pid" + ProcessHandle.current().pid()))
                .orElse(false);
    }

    /** The path of a unix-domain socket target ({@code socket:[inode]}), from {@code /proc/net/unix}. */
    private static Optional<String> unixSocketPath(String target) {
        Matcher m = SOCKET.matcher(target);
        if (!m.matches()) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/net/unix"))) {
            return lines.map(l -> l.trim().split("\\s+")).filter(f -> f.length >= 8 && f[6].equals(m.group(1)))
                    .map(f -> f[7]).findFirst();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static String describe(String fd, String target) {
        return "file descriptor " + fd + " -> " + target + unixSocketPath(target).map(p -> " (" + p + ")").orElse("");
    }

    /** Descriptor number to target, without the one listing the directory. */
    private static Map<String, String> open() {
        Map<String, String> fds = new HashMap<>();
        try (Stream<Path> list = Files.list(FDS)) {
            list.forEach(fd -> {
                try {
                    fds.put(fd.getFileName().toString(), Files.readSymbolicLink(fd).toString());
                } catch (IOException | UncheckedIOException e) {
                    // closed meanwhile
                }
            });
        } catch (IOException e) {
            return Map.of();
        }
        String self = "/proc/" + ProcessHandle.current().pid() + "/fd";
        fds.values().removeIf(target -> target.equals(self) || target.equals(FDS.toString()));
        return fds;
    }
}
