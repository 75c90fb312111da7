package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.StageResult;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pipeline's view of one worker position: the current process (incarnation), its failure history and its figures
 * for the summary. Written by the {@link WorkerSupervisor} thread (the conductor keeps the slot's result reader
 * itself); {@link #process} is volatile because the conductor and the runner read it, {@link #answered} is set by
 * the conductor, and the figures are atomics because {@code workerResults()} may be read from any thread.
 */
final class WorkerSlot {
    final int index;
    volatile Process process;
    long incarnation = -1;
    long launchNanos;
    boolean ready;
    boolean everReady;
    Thread errorPump;
    boolean killed;
    /** The pipeline killed it because it held one batch longer than the batch timeout. */
    boolean killedForTimeout;
    /** The claim the batch timeout is watching, and since when ({@link System#nanoTime()}). */
    long watchedClaim = -1;
    long watchedSinceNanos;
    /** Times it was killed from outside before it was ready, since it was last ready. */
    int startKills;
    /** The supervisor reported its death and waits for the conductor to deal with its batch before relaunching. */
    boolean deathReported;
    /** When it is to be relaunched once the conductor has dealt with its death, or -1 for never (the stage fails). */
    long restartAfterDeathNanos = -1;
    /** The conductor got a result from this incarnation: its deaths so far were not consecutive. */
    volatile boolean answered;
    int consecutiveStartFailures;
    int consecutiveDeaths;
    /** When a dead worker is due to be relaunched ({@link System#nanoTime()}), or -1 if it is not waiting. */
    long restartAtNanos = -1;
    volatile String lastErrorLine = "";
    final AtomicLong batches = new AtomicLong();
    final AtomicLong records = new AtomicLong();
    final AtomicLong startupNanos = new AtomicLong();
    final AtomicInteger restarts = new AtomicInteger();

    WorkerSlot(int index) {
        this.index = index;
    }

    /** The last line the worker wrote to stderr, after waiting briefly for its pump to read the rest. */
    String awaitLastErrorLine() {
        Thread pump = errorPump;
        if (pump != null) {
            try {
                pump.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return lastErrorLine.isEmpty() ? "(no output on stderr)" : lastErrorLine;
    }

    StageResult.WorkerResult result() {
        return new StageResult.WorkerResult(index, batches.get(), records.get(), restarts.get(), startupNanos.get());
    }
}
