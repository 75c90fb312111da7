package dev.hybridetl.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RejectMetersTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();

    private static Reject reject(String stage, String reason) {
        return new Reject(1, reason, new byte[0]).withContext(stage, 1, 0);
    }

    private double count(String stage, String reason) {
        return registry.get(MeterNames.REJECTS).tag(MeterNames.STAGE, stage).tag(MeterNames.REASON, reason)
                .counter().count();
    }

    @Test
    void shouldCountRejectsByStageAndReason() {
        RejectMeters meters = new RejectMeters(registry);
        meters.count(List.of(reject("enrich", "malformed"), reject("enrich", "malformed"),
                reject("source", "record_too_long")));
        meters.count(List.of(reject("enrich", "malformed")));

        assertThat(count("enrich", "malformed")).isEqualTo(3);
        assertThat(count("source", "record_too_long")).isEqualTo(1);
    }

    @Test
    void shouldCountReasonsBeyondTheCapAsOther() {
        RejectMeters meters = new RejectMeters(registry);
        List<Reject> many = new ArrayList<>();
        for (int i = 0; i < RejectMeters.MAX_REASONS + 10; i++) {
            many.add(reject("enrich", "bad_" + i));
        }
        meters.count(many);
        meters.count(List.of(reject("enrich", "bad_0")));

        assertThat(registry.find(MeterNames.REJECTS).counters()).hasSize(RejectMeters.MAX_REASONS + 1);
        assertThat(count("enrich", RejectMeters.OTHER)).isEqualTo(10);
        assertThat(count("enrich", "bad_0")).as("a reason counted before the cap keeps its counter").isEqualTo(2);
    }
}
