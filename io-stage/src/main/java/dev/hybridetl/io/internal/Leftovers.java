package dev.hybridetl.io.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a dead run leaves beside an output: its temporary files ({@code .<name>.tmp-*}, kept previous targets
 * {@code .<name>.tmp-prev-*} included) and a half-written checkpoint ({@code .<name>.checkpoint.new}). Only safe to
 * remove under the output's {@link OutputLock}: then no live run owns them.
 */
public final class Leftovers {
    private Leftovers() {
    }

    /** Blocking: the leftovers beside {@code target} (a resolved target path), except those in {@code keep}. */
    public static List<Path> beside(Path target, Collection<Path> keep) throws IOException {
        String temp = "." + target.getFileName() + StagedFile.TEMP_MARK;
        String newCheckpoint = Checkpoint.newFileOf(Checkpoint.fileOf(target)).getFileName().toString();
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(target.getParent())) {
            files.filter(p -> {
                String name = p.getFileName().toString();
                return (name.startsWith(temp) || name.equals(newCheckpoint)) && !keep.contains(p);
            }).forEach(found::add);
        } catch (NoSuchFileException noDirectoryYet) {
            return List.of();
        }
        return found;
    }

    /** Blocking: deletes {@code paths}; returns those it deleted. */
    public static List<Path> delete(List<Path> paths) throws IOException {
        List<Path> deleted = new ArrayList<>();
        for (Path p : paths) {
            if (Files.deleteIfExists(p)) {
                deleted.add(p);
            }
        }
        return deleted;
    }

    /**
     * Blocking: finishes the publication a run began and did not end (its checkpoint says "publishing"): every
     * temporary file still there is renamed onto its target (the others were already). Returns the targets it
     * published.
     */
    public static List<Path> finishPublishing(Path output, Checkpoint checkpoint) throws IOException {
        List<Path> published = new ArrayList<>();
        for (Path[] tempAndTarget : new Path[][]{
                {checkpoint.rejects().resolveSibling(checkpoint.rejectsTemp()), checkpoint.rejects()},
                {output.resolveSibling(checkpoint.outputTemp()), output}}) {
            if (Files.exists(tempAndTarget[0])) {
                Publication.moveReplacing(tempAndTarget[0], tempAndTarget[1]);
                published.add(tempAndTarget[1]);
            }
        }
        Files.deleteIfExists(Checkpoint.fileOf(output));
        Publication.forceDirectory(output.getParent());
        Publication.forceDirectory(checkpoint.rejects().getParent());
        return published;
    }
}
