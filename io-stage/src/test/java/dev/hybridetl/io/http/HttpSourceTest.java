package dev.hybridetl.io.http;

import dev.hybridetl.api.SourceSettings;
import dev.hybridetl.api.StageMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HttpSource's settings and how it opens its list; the crawling itself is tested against real servers. */
class HttpSourceTest {
    @TempDir
    Path dir;
    private final Scheduler loop = Schedulers.newSingle("test-loop");
    private final Scheduler blocking = Schedulers.newBoundedElastic(2, 16, "test-blocking");

    @AfterEach
    void dispose() {
        loop.dispose();
        blocking.dispose();
    }

    private SourceSettings settings(int maxRecordBytes) {
        return new SourceSettings(64 * 1024, maxRecordBytes, loop, blocking,
                new StageMetrics("source", "source", new SimpleMeterRegistry()));
    }

    @Test
    void shouldFailToOpenWithOneLineNamingAMissingListOrADirectory() {
        Path missing = dir.resolve("urls.txt");
        assertThatThrownBy(() -> HttpSource.of(missing).open(settings(1 << 20)).block(Duration.ofSeconds(10)))
                .hasRootCauseInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessageContaining("the URL list " + missing + " does not exist");
        assertThatThrownBy(() -> HttpSource.of(dir).open(settings(1 << 20)).block(Duration.ofSeconds(10)))
                .hasCauseInstanceOf(IOException.class).hasMessageContaining("is a directory");
    }

    @Test
    void shouldRefuseARecordSizeThatLeavesNoRoomForABody() {
        assertThatThrownBy(() -> HttpSource.of(dir.resolve("u")).open(settings(1000)).block(Duration.ofSeconds(10)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("leaves no room for a response body");
    }

    @Test
    void shouldRefuseBadLimitsWithTheValueInTheMessage() {
        HttpSource s = HttpSource.of(dir.resolve("u"));
        assertThatThrownBy(() -> s.withConcurrency(0)).hasMessage("concurrency must be between 1 and 65536, was 0");
        assertThatThrownBy(() -> s.withTimeout(Duration.ZERO)).hasMessage("timeout must be positive, was PT0S");
        assertThatThrownBy(() -> s.withMaxRedirects(-1)).hasMessage("redirects must be between 0 and 100, was -1");
        assertThat(s.withConcurrency(7).withPerHost(2).withMaxResponseBytes(10).concurrency()).isEqualTo(7);
        assertThat(s.perHost()).isEqualTo(HttpSource.DEFAULT_PER_HOST);
    }
}
