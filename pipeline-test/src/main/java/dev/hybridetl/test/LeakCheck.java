package dev.hybridetl.test;

import dev.hybridetl.test.internal.FileDescriptorProbe;
import dev.hybridetl.test.internal.ProcessProbe;
import dev.hybridetl.test.internal.QueueRootProbe;
import dev.hybridetl.test.internal.ResourceProbe;
import dev.hybridetl.test.internal.RunOutcome;
import dev.hybridetl.test.internal.ThreadProbe;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A JUnit 5 extension that fails a test which leaves something behind: a thread, a child process, an open file
 * descriptor or a queue directory that was not there before the test and is still there after it.
 *
 * <pre>{@code
 * @ExtendWith(LeakCheck.class)
 * class MyPipelineTest { ... }
 *
 * // or, to allow more threads or change the grace:
 * @RegisterExtension
 * static final LeakCheck LEAKS = new LeakCheck().allowingThreads("my-metrics-pusher");
 * }</pre>
 *
 * <p>Before each test it takes a baseline: live threads (by id), running descendant processes (by PID), open file
 * descriptors from {@code /proc/self/fd} where it exists, and the processes placement's default queue roots
 * ({@code hybrid-etl-<digits>}) in {@code /dev/shm} and the temp directory. After the test (after its
 * {@code @AfterEach} methods) it gives things up to {@link #DEFAULT_GRACE} to end, polling, then fails listing
 * exactly what is left. What the JDK, JUnit, Reactor and Chronicle start once per JVM on first use is allowed; that
 * list, with the reason for each entry, is in {@code docs/testing.md}. Resources created in {@code @BeforeAll} are
 * not checked.
 */
public final class LeakCheck implements BeforeEachCallback, AfterEachCallback {
    /** How long after a test things may take to end. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

    private final Duration grace;
    private final List<Pattern> extraThreads;

    /** The check with the default grace and allow-list. */
    public LeakCheck() {
        this(DEFAULT_GRACE, List.of());
    }

    private LeakCheck(Duration grace, List<Pattern> extraThreads) {
        this.grace = grace;
        this.extraThreads = extraThreads;
    }

    /** The same check, giving things {@code grace} to end after a test. */
    public LeakCheck withGrace(Duration grace) {
        return new LeakCheck(Objects.requireNonNull(grace, "grace"), extraThreads);
    }

    /** The same check, also allowing threads whose whole name matches one of these regular expressions. */
    public LeakCheck allowingThreads(String... nameRegexes) {
        List<Pattern> more = new ArrayList<>(extraThreads);
        Arrays.stream(nameRegexes).map(Pattern::compile).forEach(more::add);
        return new LeakCheck(grace, List.copyOf(more));
    }

    private List<ResourceProbe> probes() {
        return List.of(new ThreadProbe(extraThreads), new ProcessProbe(), new FileDescriptorProbe(),
                new QueueRootProbe());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        List<ResourceProbe.Baseline> baselines = new ArrayList<>();
        for (ResourceProbe probe : probes()) {
            baselines.add(probe.baseline());
        }
        store(context).put(context.getUniqueId(), baselines);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        List<ResourceProbe.Baseline> baselines = (List<ResourceProbe.Baseline>) store(context)
                .remove(context.getUniqueId(), List.class);
        if (baselines == null) {
            return;
        }
        List<String> leaks = ResourceProbe.awaitNoLeaks(baselines, grace);
        if (!leaks.isEmpty()) {
            throw new AssertionFailedError("the test left " + leaks.size() + " thing(s) behind, still there "
                    + RunOutcome.seconds(grace) + " after it ended:\n  " + String.join("\n  ", leaks));
        }
    }

    private static ExtensionContext.Store store(ExtensionContext context) {
        return context.getStore(ExtensionContext.Namespace.create(LeakCheck.class));
    }
}
