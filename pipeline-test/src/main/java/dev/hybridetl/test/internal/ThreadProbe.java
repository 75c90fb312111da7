package dev.hybridetl.test.internal;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Live threads, by id (a name can be reused). A thread that started during the test and is still alive is a leak,
 * unless its name matches {@link #JVM_WIDE}: threads of the JDK, JUnit and Reactor that start lazily, once per
 * JVM, the first time something uses them, and serve every later test (and Chronicle's two JVM-wide helpers). None
 * of them is ours: the pipeline's threads ({@code etl-*}) are never allowed.
 */
public final class ThreadProbe implements ResourceProbe {
    /** Names of threads started once per JVM on first use; each line says whose and why. */
    static final List<Pattern> JVM_WIDE = Stream.of(
            // JDK: reaps the child processes of Process objects; pooled, idle threads linger for a while
            "process reaper",
            // JDK: the shared java.lang.ref.Cleaner, started the first time something registers a cleanup
            "Common-Cleaner",
            // JDK: started when a tool (jcmd, jstack, an IDE) attaches to this JVM
            "Attach Listener",
            // JDK: the common ForkJoinPool (CompletableFuture.*Async, parallel streams); idle workers linger
            "ForkJoinPool\\.commonPool-worker-\\d+",
            // JUnit: the watchdog of @Timeout, started by the first test that has one
            "junit-jupiter-timeout-watcher",
            // Reactor: the shared schedulers Schedulers.parallel(), single() and boundedElastic(), created once per
            // JVM and reused by every later user (the pipeline itself only uses schedulers it owns)
            "parallel-\\d+", "single-\\d+", "boundedElastic-\\d+", "boundedElastic-evictor-\\d+",
            // Chronicle (processes placement): chronicle-core's BackgroundResourceReleaser, which unmaps queue files
            // off the caller's thread, and its DiskSpaceMonitor; one each per JVM, started by the first queue
            "background~resource~releaser", "(.+/)?disk~space~checker")
            .map(Pattern::compile).toList();
    /** Reactor's pool behind {@code Scheduler.disposeGracefully()}, if it can be told apart; see {@link #reactorDisposePool}. */
    private static final Optional<Pattern> REACTOR_DISPOSE_POOL = reactorDisposePool();

    private final List<Pattern> allowed;

    /** A probe that also allows threads whose names match {@code extraAllowed}. */
    public ThreadProbe(List<Pattern> extraAllowed) {
        this.allowed = Stream.of(JVM_WIDE.stream(), REACTOR_DISPOSE_POOL.stream(), extraAllowed.stream())
                .flatMap(s -> s).toList();
    }

    /**
     * Reactor waits for {@code Scheduler.disposeGracefully()} on one JVM-wide pool,
     * {@code SchedulerState.DisposeAwaiterRunnable.TRANSITION_AWAIT_POOL}, whose idle threads linger 10 s. The pipeline
     * disposes its schedulers gracefully, so after a run that pool may hold a thread; its name comes from the JDK's
     * default thread factory ({@code pool-K-thread-N}), as generic as names get, so only that pool's K is allowed:
     * it is read from the pool's own factory (which names a thread it creates but never starts). If Reactor moves
     * that field, nothing is allowed and such a thread shows as a leak, by name.
     */
    private static Optional<Pattern> reactorDisposePool() {
        try {
            Field field = Class.forName("reactor.core.scheduler.SchedulerState$DisposeAwaiterRunnable")
                    .getDeclaredField("TRANSITION_AWAIT_POOL");
            field.setAccessible(true);
            String name = ((ThreadPoolExecutor) field.get(null)).getThreadFactory().newThread(() -> { }).getName();
            Matcher m = Pattern.compile("(pool-\\d+-thread-)\\d+").matcher(name);
            return m.matches() ? Optional.of(Pattern.compile(Pattern.quote(m.group(1)) + "\\d+"))
                    : Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    @Override
    public Baseline baseline() {
        Set<Long> before = live().stream().map(Thread::getId).collect(Collectors.toCollection(HashSet::new));
        return () -> {
            List<String> leaks = new ArrayList<>();
            for (Thread t : live()) {
                if (!before.contains(t.getId()) && !isAllowed(t.getName())) {
                    leaks.add(describe(t));
                }
            }
            return leaks;
        };
    }

    private static boolean isParking(StackTraceElement f) {
        String c = f.getClassName();
        return c.startsWith("jdk.internal.") || c.startsWith("java.util.concurrent.locks.")
                || c.equals("java.lang.Object") || c.equals("java.lang.Thread") && f.getMethodName().startsWith("sleep");
    }

    boolean isAllowed(String name) {
        return allowed.stream().anyMatch(p -> p.matcher(name).matches());
    }

    private static List<Thread> live() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() * 2 + 16];
        int n = root.enumerate(threads, true);
        return Arrays.stream(threads, 0, n).filter(Thread::isAlive).toList();
    }

    private static String describe(Thread t) {
        // the frames that say what it waits for or runs, past the parking machinery every waiting thread shows
        String where = Arrays.stream(t.getStackTrace()).dropWhile(ThreadProbe::isParking).limit(4)
                .map(f -> f.getClassName() + "." + f.getMethodName()).collect(Collectors.joining(" < "));
        return "thread \"" + t.getName() + "\" (id " + t.getId() + (t.isDaemon() ? ", daemon" : "") + ", "
                + t.getState() + (where.isEmpty() ? "" : ", at " + where) + ")";
    }
}
