package dev.hybridetl.test.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the compatibility kit demands of the message of a run that a throwing transform failed: one line, no
 * composite of several errors, naming the stage, the class thrown, and for process the batch, for open and close
 * the phase. The transform's own message names none of these (see {@link Failure#MESSAGE}).
 */
public final class FailureMessage {
    private static final Pattern OPEN = Pattern.compile("(?i).*\\bopen.*");
    private static final Pattern CLOSE = Pattern.compile("(?i).*\\bclos(e|ed|ing)\\b.*");

    private FailureMessage() {
    }

    /** What is wrong with {@code message}; empty if nothing. */
    public static List<String> problems(String message, String stage, Failure thrown, Phase phase, long batch) {
        List<String> problems = new ArrayList<>();
        if (message == null || message.isBlank()) {
            problems.add("is empty");
            return problems;
        }
        if (message.contains("\n") || message.contains("\r")) {
            problems.add("is not one line");
        }
        if (message.contains("CompositeException") || message.contains("Multiple exceptions")) {
            problems.add("is a composite of several errors");
        }
        if (!message.contains("'" + stage + "'")) {
            problems.add("does not name the stage '" + stage + "'");
        }
        if (!message.contains(thrown.className())) {
            problems.add("does not name the class thrown, " + thrown.className());
        }
        switch (phase) {
            case PROCESS -> {
                if (!message.contains("batch " + batch)) {
                    problems.add("does not name the batch (\"batch " + batch + "\")");
                }
            }
            case OPEN -> {
                if (!OPEN.matcher(message).matches()) {
                    problems.add("does not name the phase (\"open\")");
                }
            }
            case CLOSE -> {
                if (!CLOSE.matcher(message).matches()) {
                    problems.add("does not name the phase (\"close\")");
                }
            }
            default -> throw new IllegalStateException(phase.toString());
        }
        return problems;
    }
}
