package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.WorkerPool;

/**
 * A JVM that holds a worker pool with two idle workers, for {@link WorkerPoolTest}: prints {@code ready} once they
 * are started, then either waits to be killed ({@code wait}) or, on a line on stdin, exits without closing the pool
 * ({@code exit}).
 */
public final class PoolHostMain {
    private PoolHostMain() {
    }

    public static void main(String[] args) throws Exception {
        WorkerPool pool = WorkerPool.create(2).prestart(ProcessSettings.defaults(), 2);
        System.out.println("ready " + pool.idleWorkers());
        System.out.flush();
        if (args[0].equals("exit")) {
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
            System.exit(0);
        }
        Thread.sleep(120_000);
    }
}
