package dev.hybridetl.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches one run from a daemon thread of its own ({@value #THREAD_NAME}) and warns, once per episode, when
 * <ul>
 *   <li>an event-loop thread has been running one task longer than {@link Pipeline#eventLoopWatchdog()}: the
 *       warning names the thread and prints its stack, taken while it is still stuck (BlockHound proves in tests
 *       that the event loop never blocks; this catches what slips through, in production);</li>
 *   <li>a batch has been in a stage longer than {@link Pipeline#slowBatchWarning()}: the warning names the stage,
 *       the batch's sequence number and its line range (one warning per stage names all its late batches: those
 *       queued behind a stuck one are late too).</li>
 * </ul>
 *
 * <p>Design notes. The event loop runs on a {@link WatchedLoopExecutor}, which notes when each task starts and ends
 * (two volatile writes per task: no sampling, no global Reactor hook). Slow batches are timed where the engine hands
 * a batch to a stage runner and gets its result back, so every placement (threads, worker processes, a third
 * party's) is covered without its help. The watchdog only reads what those two write, and never touches the
 * threads it watches: a warning is a log record (Reactor's {@link Loggers}: SLF4J when present, else
 * {@code java.util.logging}) plus one increment of the counter {@code etl.warnings}, tagged {@code kind}. Nothing
 * here can fail the run: a failing log is ignored.
 *
 * <p>Threads: {@link #start()} and {@link #close()} are called once each by the engine; {@link #timed} from any
 * thread. {@code close()} joins the watchdog thread, so a run leaves no thread behind.
 */
final class RunWatchdog implements AutoCloseable {
    static final String THREAD_NAME = "etl-watchdog";
    /** Deepest stack printed for a blocked event-loop thread. */
    private static final int MAX_FRAMES = 40;
    /** Most late batches one slow-batch warning names. */
    private static final int MAX_BATCHES_NAMED = 5;
    /** Bounds of the check interval: a quarter of the shortest threshold, within these. */
    private static final long MIN_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_CHECK_NS = TimeUnit.SECONDS.toNanos(1);

    private final long blockedThresholdNs;
    private final long slowBatchThresholdNs;
    private final Logger log = Loggers.getLogger(RunWatchdog.class);
    private final Counter blockedWarnings;
    private final Counter slowBatchWarnings;
    private final List<WatchedLoopExecutor> loops = new CopyOnWriteArrayList<>();
    private final Set<InFlightBatch> inFlight = ConcurrentHashMap.newKeySet();
    private static final Comparator<InFlightBatch> OLDEST_FIRST = Comparator
            .comparingLong((InFlightBatch b) -> b.startNanos).thenComparingLong(b -> b.sequence);
    private volatile boolean closed;
    private Thread thread;

    /**
     * @param blockedThreshold warn about an event-loop task running longer; zero: never
     * @param slowBatchThreshold warn about a batch in a stage longer; zero: never
     */
    RunWatchdog(Duration blockedThreshold, Duration slowBatchThreshold, MeterRegistry registry) {
        this.blockedThresholdNs = blockedThreshold.toNanos();
        this.slowBatchThresholdNs = slowBatchThreshold.toNanos();
        this.blockedWarnings = warnings(registry, "event_loop_blocked");
        this.slowBatchWarnings = warnings(registry, "slow_batch");
    }

    private static Counter warnings(MeterRegistry registry, String kind) {
        return Counter.builder(MeterNames.WARNINGS).description("warnings of the run watchdog: an event-loop thread "
                + "blocked, a batch slow in a stage").tag(MeterNames.KIND, kind).register(registry);
    }

    /** A single-thread executor for an event loop, whose tasks this watchdog times. */
    ScheduledThreadPoolExecutor watchedLoop(ThreadFactory threads) {
        WatchedLoopExecutor loop = new WatchedLoopExecutor(threads);
        loops.add(loop);
        return loop;
    }

    /** Starts the watchdog thread, unless both thresholds are zero. */
    synchronized void start() {
        if (closed || thread != null || (blockedThresholdNs == 0 && slowBatchThresholdNs == 0)) {
            return;
        }
        long shortest = Math.min(blockedThresholdNs == 0 ? Long.MAX_VALUE : blockedThresholdNs,
                slowBatchThresholdNs == 0 ? Long.MAX_VALUE : slowBatchThresholdNs);
        long checkNs = Math.max(MIN_CHECK_NS, Math.min(MAX_CHECK_NS, shortest / 4));
        thread = new Thread(() -> watch(checkNs), THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * {@code result}, the runner's work on {@code batch} in {@code stage}, timed from subscription (the hand-off)
     * to its end, whatever the end.
     */
    Mono<RecordBatch> timed(String stage, RecordBatch batch, Mono<RecordBatch> result) {
        if (slowBatchThresholdNs == 0) {
            return result;
        }
        return Mono.defer(() -> {
            InFlightBatch b = new InFlightBatch(stage, batch, System.nanoTime());
            inFlight.add(b);
            return result.doFinally(signal -> inFlight.remove(b));
        });
    }

    /** Stops and joins the watchdog thread; idempotent. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.NANOSECONDS.toMillis(MAX_CHECK_NS) + 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        inFlight.clear();
    }

    private void watch(long checkNs) {
        while (!closed) {
            LockSupport.parkNanos(this, checkNs);
            try {
                long now = System.nanoTime();
                if (blockedThresholdNs > 0) {
                    loops.forEach(loop -> checkLoop(loop, now));
                }
                if (slowBatchThresholdNs > 0) {
                    checkBatches(now);
                }
            } catch (Throwable e) {
                // a failing log never fails the pipeline; the next round tries again
            }
        }
    }

    private void checkLoop(WatchedLoopExecutor loop, long now) {
        WatchedLoopExecutor.Task task = loop.runningTask();
        if (task == null || now - task.startNanos() < blockedThresholdNs || !loop.markReported(task)) {
            return;
        }
        Thread t = task.thread();
        StackTraceElement[] stack = t.getStackTrace();
        if (loop.runningTask() != task) {
            return; // it finished while we looked: the stack would be of another task
        }
        blockedWarnings.increment();
        log.warn("event loop blocked: thread {} has been running one task for {} (threshold {}); an event-loop "
                        + "thread must never block: move the blocking call to the blocking scheduler. Its stack:{}",
                t.getName(), millis(now - task.startNanos()), millis(blockedThresholdNs), frames(stack));
    }

    /**
     * At most one warning per stage per round, naming its late batches oldest first (up to
     * {@value #MAX_BATCHES_NAMED}): batches queued behind a stuck one are late too, and which of them is the one
     * actually running only the runner knows. Each batch is named once.
     */
    private void checkBatches(long now) {
        Map<String, List<InFlightBatch>> late = new TreeMap<>();
        for (InFlightBatch b : inFlight) {
            if (!b.reported && now - b.startNanos >= slowBatchThresholdNs) {
                late.computeIfAbsent(b.stage, s -> new ArrayList<>()).add(b);
            }
        }
        late.forEach((stage, batches) -> {
            batches.sort(OLDEST_FIRST);
            List<String> named = new ArrayList<>();
            for (InFlightBatch b : batches) {
                b.reported = true;
                if (named.size() < MAX_BATCHES_NAMED) {
                    named.add("batch " + b.sequence + " (" + PipelineException.lines(b.batch) + ", " + b.records
                            + " records) for "
                            + millis(now - b.startNanos));
                }
            }
            if (batches.size() > named.size()) {
                named.add((batches.size() - named.size()) + " more");
            }
            slowBatchWarnings.increment();
            log.warn("slow batch: stage '{}' has had {} (threshold {}): a slow or stuck record, a stage with too few "
                    + "workers, or a machine short of CPU", stage, String.join(", ", named),
                    millis(slowBatchThresholdNs));
        });
    }

    private static String frames(StackTraceElement[] stack) {
        StringBuilder sb = new StringBuilder();
        int shown = Math.min(stack.length, MAX_FRAMES);
        for (int i = 0; i < shown; i++) {
            sb.append(System.lineSeparator()).append("\tat ").append(stack[i]);
        }
        if (stack.length > shown) {
            sb.append(System.lineSeparator()).append("\t... ").append(stack.length - shown).append(" more");
        }
        return sb.toString();
    }

    private static String millis(long nanos) {
        long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
        return ms < 10_000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** A batch handed to a stage whose result has not come back. Identity-keyed: two may look alike. */
    private static final class InFlightBatch {
        final String stage;
        final long sequence;
        /**
         * Its lines are described only if a warning names it, which is rare: not on every batch. Holding the batch
         * keeps nothing alive longer, since the engine holds it until its result comes back anyway.
         */
        final RecordBatch batch;
        final int records;
        final long startNanos;
        /** Written and read by the watchdog thread only. */
        boolean reported;

        InFlightBatch(String stage, RecordBatch batch, long startNanos) {
            this.stage = stage;
            this.sequence = batch.sequence();
            this.batch = batch;
            this.records = batch.size();
            this.startNanos = startNanos;
        }
    }
}
