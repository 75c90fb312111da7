package dev.hybridetl.test.internal;

import java.util.Locale;

/** Where in a transform's life the failing kit transform throws ({@code phase=open|process|close}). */
public enum Phase {
    OPEN, PROCESS, CLOSE;

    /** The config value and the word a failure message must contain for this phase. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Phase parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown phase '" + text + "'; use open, process or close", e);
        }
    }
}
