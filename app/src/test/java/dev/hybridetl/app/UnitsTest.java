package dev.hybridetl.app;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UnitsTest {
    @Test
    void durations() {
        assertEquals(Duration.ofMillis(500), Units.parseDuration("500ms"));
        assertEquals(Duration.ofSeconds(3), Units.parseDuration("3s"));
        assertEquals(Duration.ofSeconds(3), Units.parseDuration("3"));
        assertEquals(Duration.ofMillis(1500), Units.parseDuration("1.5s"));
        assertEquals(Duration.ofMinutes(2), Units.parseDuration("2m"));
        assertEquals(Duration.ofHours(1), Units.parseDuration("1H"));
        assertThrows(IllegalArgumentException.class, () -> Units.parseDuration("3 parsecs"));
        assertThrows(IllegalArgumentException.class, () -> Units.parseDuration("-1s"));
    }

    @Test
    void sizes() {
        assertEquals(4096, Units.parseBytes("4096"));
        assertEquals(64L << 10, Units.parseBytes("64KiB"));
        assertEquals(8L << 20, Units.parseBytes("8m"));
        assertEquals(1L << 30, Units.parseBytes("1GiB"));
        assertThrows(IllegalArgumentException.class, () -> Units.parseBytes("lots"));
    }
}
