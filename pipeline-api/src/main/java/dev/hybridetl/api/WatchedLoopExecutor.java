package dev.hybridetl.api;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;

/**
 * The event loop's executor: what {@code Schedulers.newSingle} builds (one thread, cancelled tasks removed), and it
 * notes the task it is running, for the {@link RunWatchdog}.
 *
 * <p>Threads: {@link #beforeExecute} and {@link #afterExecute} run on the loop's own thread, the single writer of
 * {@link #running}; the watchdog reads it.
 */
final class WatchedLoopExecutor extends ScheduledThreadPoolExecutor {
    /** The task now running, or null between tasks. */
    private volatile Task running;
    /** The last task the watchdog warned about; written by the watchdog thread only. */
    private Task reported;

    WatchedLoopExecutor(ThreadFactory threads) {
        super(1, threads);
        setRemoveOnCancelPolicy(true);
    }

    /** One execution of one task on the loop. Identity matters: the same task run twice is two episodes. */
    record Task(Thread thread, long startNanos) {
    }

    @Override
    protected void beforeExecute(Thread t, Runnable r) {
        running = new Task(t, System.nanoTime());
        super.beforeExecute(t, r);
    }

    @Override
    protected void afterExecute(Runnable r, Throwable t) {
        running = null;
        super.afterExecute(r, t);
    }

    Task runningTask() {
        return running;
    }

    /** True the first time it is asked about this task: a blocked task is reported once. */
    boolean markReported(Task task) {
        if (reported == task) {
            return false;
        }
        reported = task;
        return true;
    }
}
