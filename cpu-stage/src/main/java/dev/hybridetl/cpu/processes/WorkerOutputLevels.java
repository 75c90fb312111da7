package dev.hybridetl.cpu.processes;

import org.slf4j.event.Level;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides at which level a line a worker printed goes to the pipeline's log, so that only real warnings reach the
 * user at warn: a line that looks like a log record (slf4j-simple, Logback's and Log4j's default layouts, JUL's
 * second line, {@code [LEVEL]}) keeps its record's level, TRACE/DEBUG/FINE becoming debug, INFO/CONFIG info and
 * WARN/ERROR/SEVERE warn; the continuation lines of a record (indented, {@code Caused by:}, blank) follow it; any
 * other line (an uncaught exception, JVM crash output, a transform's own print) gets the stream's default: warn for
 * stderr, info for stdout.
 *
 * <p>One instance per stream; used by its pump thread only.
 */
final class WorkerOutputLevels {
    /**
     * Optional timestamp (starts with a digit: {@code 12:00:00.123}, {@code 2026-12-01 12:00:00,123},
     * slf4j-simple's milliseconds), up to two bracketed fields ({@code [main]}), then the level, alone or bracketed,
     * followed by a blank, a colon or the end of the line.
     */
    private static final Pattern RECORD = Pattern.compile("^(?:\\d[\\d\\-/:.,T ]*(?:Z|[+-]\\d{2}:?\\d{2})?\\s+)?"
            + "(?:\\[[^\\]]*\\]\\s*){0,2}\\[?(TRACE|DEBUG|FINEST|FINER|FINE|CONFIG|INFO|WARNING|WARN|SEVERE|ERROR"
            + "|FATAL)\\]?(?=[\\s:]|$)");

    private final Level unclassified;
    private Level previous;

    /** @param unclassified the level of lines that are not part of a log record */
    WorkerOutputLevels(Level unclassified) {
        this.unclassified = unclassified;
        this.previous = unclassified;
    }

    /** The level of the next line of the stream. */
    Level next(String line) {
        Matcher m = RECORD.matcher(line);
        if (m.find()) {
            previous = level(m.group(1));
        } else if (!isContinuation(line)) {
            previous = unclassified;
        }
        return previous;
    }

    private static boolean isContinuation(String line) {
        return line.isBlank() || Character.isWhitespace(line.charAt(0)) || line.startsWith("Caused by: ")
                || line.startsWith("Suppressed: ");
    }

    private static Level level(String name) {
        return switch (name) {
            case "TRACE", "DEBUG", "FINEST", "FINER", "FINE" -> Level.DEBUG;
            case "INFO", "CONFIG" -> Level.INFO;
            default -> Level.WARN;
        };
    }
}
