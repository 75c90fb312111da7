package dev.hybridetl.test;

import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.Reject;
import dev.hybridetl.test.internal.LineDiff;
import dev.hybridetl.test.internal.Lines;
import org.opentest4j.AssertionFailedError;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a transform wrote in a {@link TransformTestKit} run, as the file sink would have written it, with fluent
 * assertions. Output bytes are each record followed by {@code LF}; rejects are listed as the rejects file lists
 * them (in line order), and rendered as {@code reason TAB raw LF}.
 */
public final class TransformOutput {
    private final String label;
    private final Map<Placement, PipelineResult> results;
    private final byte[] output;
    private final byte[] rejectsOutput;
    private final List<Reject> rejects;

    private TransformOutput(String label, Map<Placement, PipelineResult> results, byte[] output,
                            byte[] rejectsOutput, List<Reject> rejects) {
        this.label = label;
        this.results = results;
        this.output = output;
        this.rejectsOutput = rejectsOutput;
        this.rejects = rejects;
    }

    TransformOutput(Placement placement, PipelineResult result, MemorySink sink) {
        this(placement.cliName(), Map.of(placement, result), sink.output(), sink.rejectsOutput(), sink.rejects());
    }

    /** This output, after checking that {@code other} wrote exactly the same bytes; both runs' results kept. */
    TransformOutput sameAs(TransformOutput other) {
        LineDiff.assertSameBytes("outputs of " + label + " and " + other.label, label, output, other.label,
                other.output);
        LineDiff.assertSameBytes("rejects of " + label + " and " + other.label, label, rejectsOutput, other.label,
                other.rejectsOutput);
        Map<Placement, PipelineResult> both = new EnumMap<>(Placement.class);
        both.putAll(results);
        both.putAll(other.results);
        return new TransformOutput(label + " and " + other.label, both, output, rejectsOutput, rejects);
    }

    /** The records as the file sink writes them. */
    public byte[] output() {
        return output.clone();
    }

    /** The records, decoded as ISO-8859-1. */
    public List<String> outputLines() {
        List<String> lines = new ArrayList<>(Arrays.asList(Lines.text(output).split("\n", -1)));
        lines.remove(lines.size() - 1);
        return lines;
    }

    /** The rejects, in the order of the rejects file. */
    public List<Reject> rejects() {
        return rejects;
    }

    /** The rejects file's bytes. */
    public byte[] rejectsOutput() {
        return rejectsOutput.clone();
    }

    /**
     * The result of the run on {@code placement}.
     *
     * @throws IllegalArgumentException if this output does not come from a run on it
     */
    public PipelineResult result(Placement placement) {
        PipelineResult r = results.get(placement);
        if (r == null) {
            throw new IllegalArgumentException("no run on " + placement.cliName() + " here, only on " + label);
        }
        return r;
    }

    /** Checks the output is byte for byte the content of {@code expectedFile}. */
    public TransformOutput assertOutputEquals(Path expectedFile) {
        return compare("output of " + label + " and " + expectedFile, read(expectedFile), output);
    }

    /** Checks the output is exactly these lines, each followed by {@code LF}. */
    public TransformOutput assertOutputEquals(String... expectedLines) {
        return assertOutputEquals(List.of(expectedLines));
    }

    /** Checks the output is exactly these lines, each followed by {@code LF}. */
    public TransformOutput assertOutputEquals(List<String> expectedLines) {
        StringBuilder text = new StringBuilder();
        expectedLines.forEach(l -> text.append(l).append('\n'));
        return compare("output of " + label + " and the expected lines",
                text.toString().getBytes(StandardCharsets.ISO_8859_1), output);
    }

    /** Checks the rejects file would be byte for byte the content of {@code expectedFile}. */
    public TransformOutput assertRejectsEqual(Path expectedFile) {
        return compare("rejects of " + label + " and " + expectedFile, read(expectedFile), rejectsOutput);
    }

    /** Checks the rejects are exactly these, in line order (raw records checked where given). */
    public TransformOutput assertRejects(ExpectedReject... expected) {
        boolean same = expected.length == rejects.size();
        for (int i = 0; same && i < expected.length; i++) {
            same = expected[i].matches(rejects.get(i));
        }
        if (!same) {
            String want = Arrays.stream(expected).map(ExpectedReject::toString).collect(Collectors.joining("\n    "));
            String got = rejects.stream().map(ExpectedReject::describe).collect(Collectors.joining("\n    "));
            throw new AssertionFailedError("rejects of " + label + " are not the expected ones\n  expected "
                    + expected.length + ":\n    " + want + "\n  but were " + rejects.size() + ":\n    " + got,
                    want, got);
        }
        return this;
    }

    /** Checks nothing was rejected. */
    public TransformOutput assertNoRejects() {
        return assertRejects();
    }

    private TransformOutput compare(String what, byte[] expected, byte[] actual) {
        LineDiff.assertSameBytes(what, "expected", expected, label, actual);
        return this;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new AssertionFailedError("cannot read the expected file " + file + ": " + e, e);
        }
    }
}
