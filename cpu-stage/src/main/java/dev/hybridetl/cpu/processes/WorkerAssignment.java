package dev.hybridetl.cpu.processes;

import java.nio.file.Path;

/**
 * What a waiting worker JVM is told to do: one line on its stdin, {@code <stage dir> TAB <worker index> TAB
 * <incarnation>}. The stage directory holds everything else ({@link WorkerSpec}, the control file, the queues).
 *
 * @param stageDir the stage's queue directory
 * @param worker the worker slot it fills
 * @param incarnation the slot's incarnation, which names its result segments
 */
record WorkerAssignment(Path stageDir, int worker, long incarnation) {

    WorkerAssignment {
        String dir = stageDir.toString();
        if (dir.indexOf('\t') >= 0 || dir.indexOf('\n') >= 0 || dir.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a queue directory for worker processes cannot contain a tab or a line"
                    + " break: " + dir);
        }
    }

    /** The line sent to the worker, without its line break. */
    String line() {
        return stageDir + "\t" + worker + "\t" + incarnation;
    }

    static WorkerAssignment parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 3) {
            throw new IllegalArgumentException("not a worker assignment: '" + line + "'");
        }
        return new WorkerAssignment(Path.of(f[0]), Integer.parseInt(f[1]), Long.parseLong(f[2]));
    }
}
