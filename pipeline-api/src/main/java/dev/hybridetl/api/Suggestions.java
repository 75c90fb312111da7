package dev.hybridetl.api;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * "Did you mean" for names a user typed: the known name nearest to an unknown one, for error messages.
 *
 * <p>A known name is a candidate if, ignoring case, it is at most {@value #MAX_EDITS} edits (insertions, deletions,
 * substitutions: Levenshtein distance) away, or one of the two names begins with the other ({@code air} for
 * {@code airports}). The nearest candidate wins; ties go to the alphabetically first.
 */
final class Suggestions {
    static final int MAX_EDITS = 2;

    private Suggestions() {
    }

    /** The known name the user most likely meant by {@code given}, if any is close enough. */
    static Optional<String> closest(String given, Collection<String> known) {
        String g = given.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : new TreeSet<>(known)) {
            String c = candidate.toLowerCase(Locale.ROOT);
            int d = distance(g, c);
            boolean prefix = !g.isEmpty() && (c.startsWith(g) || g.startsWith(c));
            if ((d <= MAX_EDITS || prefix) && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code "did you mean 'x'? "} for the closest known name, or the empty string when none is close. */
    static String didYouMean(String given, Collection<String> known) {
        return closest(given, known).map(s -> "did you mean '" + s + "'? ").orElse("");
    }

    /** The Levenshtein distance between two strings, with two rows of the usual table. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
