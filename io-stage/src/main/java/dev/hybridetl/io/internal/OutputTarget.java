package dev.hybridetl.io.internal;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where one output file of a sink goes, and how it is written: staged and renamed, or streamed.
 *
 * <p>Only a regular file can be written under a temporary name and renamed onto its target: a rename would replace a
 * FIFO, a device or {@code /dev/stdout} (a symbolic link: as root that would replace the system's {@code /dev/stdout}
 * with a regular file) instead of writing to it. So:
 * <ul>
 *   <li>{@code /dev/stdout} and {@code /dev/stderr} are written through the process's own file descriptor 1 or 2,
 *       which keeps whatever the shell set up ({@code >}, {@code >>}, a pipe);</li>
 *   <li>an existing path that is not a regular file (a FIFO, a character device, a socket), and any path under
 *       {@code /dev/} or {@code /proc/}, is opened and written in place, front to back (a <em>stream</em>);</li>
 *   <li>anything else is a regular file, existing or not. A symbolic link is followed: the temporary file is made
 *       beside the file it points to and renamed onto that, so the link stays a link.</li>
 * </ul>
 *
 * @param given the path as the caller named it, for messages
 * @param publishAt where a regular file is renamed to (links resolved); for a stream, the path to open
 * @param descriptor for {@code /dev/stdout} and {@code /dev/stderr}, the process's descriptor; else null
 * @param stream true if written in place rather than staged
 */
public record OutputTarget(Path given, Path publishAt, FileDescriptor descriptor, boolean stream) {

    /** Blocking (it looks at the file system). */
    public static OutputTarget of(Path given) throws IOException {
        String name = given.toString();
        if (name.equals("/dev/stdout")) {
            return new OutputTarget(given, given, FileDescriptor.out, true);
        }
        if (name.equals("/dev/stderr")) {
            return new OutputTarget(given, given, FileDescriptor.err, true);
        }
        Path absolute = given.toAbsolutePath();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(absolute, BasicFileAttributes.class);
        } catch (NoSuchFileException missing) {
            if (Files.isSymbolicLink(absolute)) { // a dangling link: create the file it names
                Path linked = absolute.getParent().resolve(Files.readSymbolicLink(absolute));
                return new OutputTarget(given, linked.normalize(), null, false);
            }
            return new OutputTarget(given, absolute, null, false);
        }
        if (attributes.isDirectory()) {
            throw new IOException("output is a directory, not a file: " + given);
        }
        if (!attributes.isRegularFile() || isSystemPath(absolute)) {
            return new OutputTarget(given, absolute, null, true);
        }
        return new OutputTarget(given, absolute.toRealPath(), null, false);
    }

    /** True if {@link #of} would stream {@code path}; false for a directory or an unreadable path. Blocking. */
    static boolean isStream(Path path) {
        try {
            return of(path).stream();
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isSystemPath(Path absolute) {
        return absolute.startsWith("/dev/") || absolute.startsWith("/proc/");
    }
}
