package dev.hybridetl.io.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

    @Test
    void shouldDoubleEachRetryWithinHalfToTheWholeOfItsStepUpToTheCap() {
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.delay(1, -1).toMillis()).isBetween(50L, 100L);
            assertThat(backoff.delay(3, -1).toMillis()).isBetween(200L, 400L);
            assertThat(backoff.delay(40, -1).toMillis()).isBetween(1000L, 2000L);
        }
    }

    @Test
    void shouldWaitAtLeastRetryAfterAndGiveUpWhenItIsLongerThanTheCap() {
        assertThat(backoff.delay(1, 1500)).isEqualTo(Duration.ofMillis(1500));
        assertThat(backoff.delay(1, 2001)).isNull();
    }

    @Test
    void shouldReadRetryAfterAsSecondsOrAnHttpDate() {
        long now = 1_700_000_000_000L; // Tue, 14 Nov 2023 22:13:20 GMT
        assertThat(Backoff.retryAfterMillis("3", now)).isEqualTo(3000);
        assertThat(Backoff.retryAfterMillis(" 0 ", now)).isZero();
        assertThat(Backoff.retryAfterMillis("Tue, 14 Nov 2023 22:13:25 GMT", now)).isEqualTo(5000);
        assertThat(Backoff.retryAfterMillis("Tue, 14 Nov 2023 22:00:00 GMT", now)).isZero();
        assertThat(Backoff.retryAfterMillis(null, now)).isEqualTo(-1);
        assertThat(Backoff.retryAfterMillis("soon", now)).isEqualTo(-1);
        assertThat(Backoff.retryAfterMillis("-4", now)).isEqualTo(-1);
    }
}
