package dev.hybridetl.ipc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlFileTest {

    @Test
    void shouldHandOutEachPublishedExcerptOnceAndRecordTheClaimInTheSlot(@TempDir Path tmp) throws Exception {
        try (ControlFile pipeline = ControlFile.create(tmp.resolve("control"), 4, 2);
             ControlFile worker = ControlFile.open(tmp.resolve("control"))) {
            long[] where = new long[2];
            assertThat(worker.tryClaim(0, where)).isEqualTo(ControlFile.NO_CLAIM);
            pipeline.publish(0, 100);
            pipeline.publish(1, 200);
            assertThat(worker.tryClaim(1, where)).isZero();
            assertThat(where).containsExactly(0, 100);
            assertThat(pipeline.currentClaim(1)).isZero();
            assertThat(worker.tryClaim(0, where)).isEqualTo(1);
            assertThat(where).containsExactly(1, 200);
            worker.completeClaim(1, 10);
            assertThat(pipeline.currentClaim(1)).isEqualTo(ControlFile.NO_CLAIM);
            assertThat(pipeline.recordsDone(1)).isEqualTo(10);
        }
    }

    @Test
    void shouldRefuseToOverwriteAnUnclaimedRingEntry(@TempDir Path tmp) throws Exception {
        try (ControlFile control = ControlFile.create(tmp.resolve("control"), 2, 1)) {
            control.publish(0, 1);
            control.publish(0, 2);
            assertThatThrownBy(() -> control.publish(0, 3)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    @Timeout(30)
    void shouldNeverHandOutAClaimTwiceUnderContention(@TempDir Path tmp) throws Exception {
        int total = 20_000;
        try (ControlFile control = ControlFile.create(tmp.resolve("control"), 64, 2)) {
            Set<Long> seen = ConcurrentHashMap.newKeySet();
            CountDownLatch done = new CountDownLatch(2);
            for (int w = 0; w < 2; w++) {
                int worker = w;
                Thread t = new Thread(() -> {
                    long[] where = new long[2];
                    while (seen.size() < total) {
                        long c = control.tryClaim(worker, where);
                        if (c != ControlFile.NO_CLAIM) {
                            assertThat(where[1]).isEqualTo(c * 10);
                            assertThat(seen.add(c)).isTrue();
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                    done.countDown();
                });
                t.setDaemon(true);
                t.start();
            }
            for (long k = 0; k < total; k++) {
                while (k - control.claimCounter() >= control.ringCapacity()) {
                    Thread.onSpinWait();
                }
                control.publish(0, k * 10);
            }
            assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).hasSize(total);
        }
    }
}
