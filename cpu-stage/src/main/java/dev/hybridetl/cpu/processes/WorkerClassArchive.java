package dev.hybridetl.cpu.processes;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * An AppCDS archive of the classes a worker loads, so that later workers map them instead of loading and verifying
 * them again: worker start-up measured 900–1,100 ms without it and 590–680 ms with it here (two workers starting
 * at once on 2 cores).
 *
 * <p>How: the first worker this JVM starts that finds no archive is started with
 * {@code -XX:ArchiveClassesAtExit=<temp>}; when it has exited cleanly (a pooled worker: when the pool ends it) the
 * temp file is renamed atomically onto the archive's name, and every later worker starts with
 * {@code -XX:SharedArchiveFile=<archive>}. The archive's name
 * is a hash of the JVM and of every class-path entry's path, size and modification time, so a rebuilt jar or
 * another JDK never meets a stale archive. Archives live in {@code <java.io.tmpdir>/hybrid-etl-cds-<user>/} (0700);
 * the newest few are kept, older ones are deleted when a new one is written.
 * Disable with {@code -Dhybridetl.worker.cds=false}. Disabled by itself when the class path holds a non-empty
 * directory (the JVM archives classes from jars only, and refuses to dump with such a directory), as in a build's
 * tests. A Spring Boot jar is one jar: its archive holds the JDK's and the launcher's classes, not those the launcher
 * loads from nested jars (docs/decisions/0004-worker-class-path.md).
 *
 * <p>Thread-safe: launches of several stages and pools may share an archive.
 */
final class WorkerClassArchive {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerClassArchive.class);
    static final String ENABLED_PROPERTY = "hybridetl.worker.cds";
    /** Archives kept in the cache directory; older ones (of earlier builds or JDKs) are deleted. */
    static final int KEEP_ARCHIVES = 8;
    /**
     * How long the worker that writes the archive gets to exit: writing it took 0.3 s on a quiet machine and over 2 s
     * on a loaded one, where a one-second limit killed it every time and no archive was ever written. Paid once per
     * build and JDK.
     */
    static final long DUMP_GRACE_MS = 5_000;

    private static final long TOUCH_INTERVAL_MS = 3_600_000;
    /** Archives some worker of this JVM is creating now: one dump per archive at a time. */
    private static final Set<Path> DUMPS_IN_FLIGHT = ConcurrentHashMap.newKeySet();

    private final Path archive;

    private WorkerClassArchive(Path archive) {
        this.archive = archive;
    }

    /** The archive for this JVM and class path, or a disabled one if it cannot be used. */
    static WorkerClassArchive forClassPath(String classPath) {
        if (!Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"))) {
            return new WorkerClassArchive(null);
        }
        try {
            String directory = nonEmptyDirectory(classPath);
            if (directory != null) {
                LOG.debug("worker class archive disabled: the class path holds the directory {}", directory);
                return new WorkerClassArchive(null);
            }
            Path dir = Path.of(System.getProperty("java.io.tmpdir"),
                    "hybrid-etl-cds-" + System.getProperty("user.name", "user"));
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            String key = key(classPath);
            return new WorkerClassArchive(dir.resolve(key + ".jsa"));
        } catch (IOException | RuntimeException e) {
            LOG.info("worker class archive disabled: {}", e.toString());
            return new WorkerClassArchive(null);
        }
    }

    /** A non-empty directory on the class path or in a {@code Class-Path} of one of its jars, or null. */
    private static String nonEmptyDirectory(String classPath) throws IOException {
        for (String entry : classPath.split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            if (isNonEmptyDirectory(p)) {
                return entry;
            }
            if (Files.isRegularFile(p)) {
                for (Path listed : manifestClassPath(p)) {
                    if (isNonEmptyDirectory(listed)) {
                        return listed.toString();
                    }
                }
            }
        }
        return null;
    }

    private static boolean isNonEmptyDirectory(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (var children = Files.list(p)) {
            return children.findAny().isPresent();
        }
    }

    /** The entries of a jar's {@code Class-Path} (surefire's manifest-only jar lists target/classes there). */
    private static List<Path> manifestClassPath(Path jar) {
        try (JarFile j = new JarFile(jar.toFile(), false)) {
            Manifest mf = j.getManifest();
            String cp = mf == null ? null : mf.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (cp == null || cp.isBlank()) {
                return List.of();
            }
            List<Path> entries = new ArrayList<>();
            for (String url : cp.trim().split("\\s+")) {
                URI uri = jar.toUri().resolve(url);
                if ("file".equals(uri.getScheme())) {
                    entries.add(Path.of(uri));
                }
            }
            return entries;
        } catch (IOException | RuntimeException e) {
            return List.of(); // not a jar, or a Class-Path the JVM would not follow either
        }
    }

    /**
     * Every rebuilt jar gets a new archive (about 11 MB): keep the {@value #KEEP_ARCHIVES} most recently used (written
     * or touched, see {@link #touch}) in the cache directory and delete the rest, so the cache does not grow with
     * every build.
     */
    private void pruneOldArchives() {
        try (var files = Files.list(archive.getParent())) {
            List<Path> all = files.toList();
            List<Path> archives = all.stream().filter(f -> f.getFileName().toString().endsWith(".jsa"))
                    .sorted(java.util.Comparator.comparingLong(WorkerClassArchive::modifiedMillis).reversed())
                    .toList();
            for (Path old : archives.subList(Math.min(KEEP_ARCHIVES, archives.size()), archives.size())) {
                Files.deleteIfExists(old);
            }
            // An archive being written is <name>.jsa.tmp-<pid>; one whose writer is gone (a pipeline killed with
            // kill -9 while its first worker dumped) would stay for ever.
            for (Path f : all) {
                String name = f.getFileName().toString();
                int at = name.lastIndexOf(".tmp-");
                if (at > 0 && !writerAlive(name.substring(at + 5).split("-")[0])) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.info("old worker class archives not pruned: {}", e.toString());
        }
    }

    private static boolean writerAlive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true; // not ours to judge
        }
    }

    private static long modifiedMillis(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String key(String classPath) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            update(md, System.getProperty("java.home"));
            update(md, System.getProperty("java.vm.version"));
            for (String entry : classPath.split(File.pathSeparator)) {
                File f = new File(entry);
                update(md, f.getAbsolutePath() + ':' + f.length() + ':' + f.lastModified());
            }
            return HexFormat.of().formatHex(md.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest md, String s) {
        md.update(String.valueOf(s).getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
    }

    /**
     * The flags of one worker start ({@code dumpTemp} is where it writes the archive, or null): use the archive; or
     * else, for the first start in this JVM that finds none, create it; or nothing. Any thread.
     */
    record Start(List<String> flags, Path dumpTemp) {
    }

    Start nextStart() {
        if (archive == null) {
            return new Start(List.of(), null);
        }
        if (Files.isReadable(archive)) {
            touch(archive);
            return new Start(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"),
                    null);
        }
        if (DUMPS_IN_FLIGHT.add(archive)) {
            Path temp = archive.resolveSibling(archive.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                    + System.nanoTime());
            return new Start(List.of("-XX:ArchiveClassesAtExit=" + temp, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"),
                    temp);
        }
        return new Start(List.of(), null);
    }

    /**
     * Marks the archive used, at most once an hour, so that pruning (by modification time) keeps the archives in
     * use: on a machine shared by several applications, a count-only limit deleted an archive still in use and its
     * next run paid for a new dump.
     */
    private static void touch(Path archive) {
        try {
            long now = System.currentTimeMillis();
            if (now - Files.getLastModifiedTime(archive).toMillis() > TOUCH_INTERVAL_MS) {
                Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(now));
            }
        } catch (IOException | RuntimeException e) {
            // only the pruning order suffers
        }
    }

    /**
     * After the worker started with {@code dumpTemp} has exited: publishes the archive it wrote, if it exited
     * cleanly. Called once per such start, on any thread.
     */
    void publish(Path dumpTemp, boolean exitedCleanly) {
        if (dumpTemp == null) {
            return;
        }
        try {
            if (exitedCleanly && Files.exists(dumpTemp) && Files.size(dumpTemp) > 0 && !Files.exists(archive)) {
                try {
                    Files.move(dumpTemp, archive, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(dumpTemp, archive);
                }
                LOG.info("worker class archive written: {}", archive);
                pruneOldArchives();
            }
        } catch (IOException e) {
            LOG.info("worker class archive not kept: {}", e.toString());
        } finally {
            DUMPS_IN_FLIGHT.remove(archive);
            try {
                Files.deleteIfExists(dumpTemp);
            } catch (IOException ignored) {
                // a leftover temp archive is only wasted space in a private directory
            }
        }
    }
}
