package dev.hybridetl.app;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a run writes: the output file and the dead-letter file, with the defaults the CLI documents.
 *
 * @param output the records
 * @param rejects the dead-letter file
 */
record OutputPaths(Path output, Path rejects) {

    /**
     * Applies the defaults: output {@code ./out/<input stem>.<transform>.jsonl}; rejects next to the output as
     * {@code <output stem>.rejects.tsv}.
     *
     * @param stemOverride a name to use instead of the input's file name (for the bundled sample), or null
     * @throws Main.UsageProblem if an output is a directory or would overwrite the input
     */
    static OutputPaths resolve(Path input, String stemOverride, String transform, Path output, Path rejects) {
        Path out = output != null ? output
                : Path.of("out", (stemOverride != null ? stemOverride : stem(input)) + "." + transform + ".jsonl");
        Path rej = rejects != null ? rejects : siblingWithSuffix(out, ".rejects.tsv");
        for (Path p : new Path[]{out, rej}) {
            if (Files.isDirectory(p)) {
                throw new Main.UsageProblem("output is a directory, not a file: " + p);
            }
            if (sameFile(p, input)) {
                throw new Main.UsageProblem("output would overwrite the input: " + p);
            }
        }
        if (out.toAbsolutePath().normalize().equals(rej.toAbsolutePath().normalize())) {
            throw new Main.UsageProblem("--output and --rejects are the same file: " + out);
        }
        return new OutputPaths(out, rej);
    }

    private static boolean sameFile(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    static String stem(Path file) {
        String name = file.getFileName().toString();
        for (String ext : new String[]{".gz", ".csv", ".jsonl", ".json", ".txt", ".tsv"}) {
            if (name.endsWith(ext) && name.length() > ext.length()) {
                name = name.substring(0, name.length() - ext.length());
            }
        }
        return name;
    }

    private static Path siblingWithSuffix(Path file, String suffix) {
        String name = stem(file) + suffix;
        Path parent = file.getParent();
        return parent == null ? Path.of(name) : parent.resolve(name);
    }
}
