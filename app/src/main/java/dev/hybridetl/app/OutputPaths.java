package dev.hybridetl.app;

import dev.hybridetl.io.FileSink;
import dev.hybridetl.io.RejectsFormat;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a run writes: the output file and the dead-letter file, with the defaults the CLI documents.
 *
 * @param output the records
 * @param rejects the dead-letter file
 */
record OutputPaths(Path output, Path rejects) {
    /** What {@code -} stands for as an output. */
    static final Path STDOUT = Path.of("/dev/stdout");

    /**
     * Applies the defaults: output {@code ./out/<input stem>.<transform>.jsonl}; rejects next to the output as
     * {@code <output stem>.rejects.tsv} (or {@code .rejects.jsonl} in that format), except when the output is a stream
     * (stdout, a FIFO, a device), where they go to {@code ./out/<input stem>.<transform>.rejects.tsv} (beside
     * {@code /dev/stdout} is not a place for a file). {@code -} names stdout.
     *
     * @param stemOverride a name to use instead of the input's file name (the bundled sample, stdin), or null
     * @throws Main.UsageProblem if an output is a directory or would overwrite the input
     */
    static OutputPaths resolve(Path input, String stemOverride, String transform, Path output, Path rejects,
                               RejectsFormat rejectsFormat) {
        String inputStem = stemOverride != null ? stemOverride : stem(input);
        Path defaultOutput = Path.of("out", inputStem + "." + transform + ".jsonl");
        Path out = output == null ? defaultOutput : dash(output);
        Path rej = rejects != null ? dash(rejects)
                : siblingWithSuffix(FileSink.isStream(out) ? defaultOutput : out, ".rejects." + rejectsFormat.cliName());
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

    /** True if records or rejects go to this process's stdout: the summary must then go to stderr. */
    boolean writesToStdout() {
        return output.equals(STDOUT) || rejects.equals(STDOUT);
    }

    private static Path dash(Path p) {
        return p.toString().equals("-") ? STDOUT : p;
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
