package dev.hybridetl.test.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The file in which {@link FailingProvider} notes when it threw (epoch ms, wall clock: comparable across the JVMs
 * of one machine), so that "the run failed promptly" is measured from the throw, not from a worker's start-up.
 */
public final class ThrowMarker {
    private final Path file;

    public ThrowMarker(Path dir) {
        this.file = dir.resolve("thrown-at");
    }

    /** The value for the transform's {@code markerFile} key. */
    public String path() {
        return file.toString();
    }

    /** When the transform threw, once it has. */
    public OptionalLong thrownAtMillis() {
        try {
            String s = Files.readString(file).trim();
            return s.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
