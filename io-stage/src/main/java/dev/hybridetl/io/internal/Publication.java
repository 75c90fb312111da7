package dev.hybridetl.io.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes staged files together or not at all.
 *
 * <p>POSIX has no rename of two files in one step, so each rename is made undoable first: an existing target is kept
 * as a hard link {@code .<name>.tmp-prev-<random>} (a copy where the file system has no hard links). The files are
 * then renamed in order; if rename k fails, renames 0 .. k-1 are undone (the kept target is renamed back, or the new
 * file removed where there was none), every temporary file is deleted, and the failure is thrown with its cause.
 * On success the kept targets are deleted and the directories forced. Only a crash between two renames can leave
 * one published without the other; that window is two system calls wide.
 *
 * <p>All blocking; runs on the blocking scheduler.
 */
public final class Publication {
    private Publication() {
    }

    /**
     * Renames every file onto its target, in order, or none of them.
     *
     * @throws IOException naming the target that could not be published and why; then nothing was published and no
     *     temporary file is left
     */
    static void publishAll(List<StagedFile> files) throws IOException {
        List<Path> kept = new ArrayList<>();
        int published = 0;
        try {
            for (StagedFile file : files) {
                kept.add(keepOld(file));
            }
            for (StagedFile file : files) {
                file.publish();
                published++;
            }
        } catch (IOException | RuntimeException e) {
            for (int i = published - 1; i >= 0; i--) {
                undo(files.get(i), kept.get(i), e);
            }
            for (StagedFile file : files) {
                file.discard();
            }
            deleteAll(kept);
            throw e;
        }
        deleteAll(kept);
        for (StagedFile file : files) {
            forceDirectory(file.publishAt().getParent());
        }
    }

    /** A second name for the current target, or null if there is none. */
    private static Path keepOld(StagedFile file) throws IOException {
        Path target = file.publishAt();
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            return null; // nothing to restore; a directory in the way makes the rename itself fail
        }
        Path kept = StagedFile.tempName(target, "prev-");
        try {
            try {
                Files.createLink(kept, target);
            } catch (UnsupportedOperationException | IOException noLinks) {
                Files.copy(target, kept, StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new IOException("cannot publish " + file.given() + ": cannot keep the previous file to restore it "
                    + "if publishing fails: " + InputFiles.reason(e), e);
        }
        return kept;
    }

    private static void undo(StagedFile file, Path kept, Throwable failure) {
        try {
            if (kept != null) {
                moveReplacing(kept, file.publishAt());
            } else {
                Files.deleteIfExists(file.publishAt());
            }
        } catch (IOException e) {
            failure.addSuppressed(new IOException("could not take back " + file.given() + ": "
                    + InputFiles.reason(e), e));
        }
    }

    private static void deleteAll(List<Path> paths) {
        for (Path p : paths) {
            if (p != null) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort: the name marks it as a temporary file, which the next run removes.
                }
            }
        }
    }

    /**
     * Renames {@code from} onto {@code to}, atomically where the file system can, else replacing it: the one move
     * every publication, checkpoint and finished leftover uses.
     */
    public static void moveReplacing(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the renames durable where the platform allows fsync on a directory; best effort. */
    public static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException ignored) {
            // Not supported everywhere (e.g. Windows); the files themselves are already forced.
        }
    }
}
