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
        try (ControlPublisher pipeline = ControlPublisher.create(tmp.resolve("control"), 4, 2);
             ControlClaimer worker = ControlClaimer.open(tmp.resolve("control"))) {
            long[] where = new long[2];
            assertThat(worker.tryClaim(0, where)).isEqualTo(ControlFileDescriptor.NO_CLAIM);
            pipeline.publish(0, 100);
            pipeline.publish(1, 200);
            assertThat(worker.tryClaim(1, where)).isZero();
            assertThat(where).containsExactly(0, 100);
            assertThat(pipeline.currentClaim(1)).isZero();
            assertThat(worker.tryClaim(0, where)).isEqualTo(1);
            assertThat(where).containsExactly(1, 200);
            worker.completeClaim(1, 10);
            assertThat(pipeline.currentClaim(1)).isEqualTo(ControlFileDescriptor.NO_CLAIM);
            assertThat(pipeline.recordsDone(1)).isEqualTo(10);
        }
    }

    @Test
    void shouldRefuseToMapAFileThatIsNotAControlFile(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("control");
        java.nio.file.Files.write(file, new byte[4096]);
        assertThatThrownBy(() -> ControlClaimer.open(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a control file");
        assertThatThrownBy(() -> ControlClaimer.open(tmp.resolve("absent"))).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void shouldRefuseToOverwriteAnUnclaimedRingEntry(@TempDir Path tmp) throws Exception {
        try (ControlPublisher control = ControlPublisher.create(tmp.resolve("control"), 2, 1)) {
            control.publish(0, 1);
            control.publish(0, 2);
            assertThatThrownBy(() -> control.publish(0, 3)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    @Timeout(30)
    void shouldNeverHandOutAClaimTwiceUnderContention(@TempDir Path tmp) throws Exception {
        int total = 20_000;
        try (ControlPublisher control = ControlPublisher.create(tmp.resolve("control"), 64, 2);
             ControlClaimer claimer = ControlClaimer.open(tmp.resolve("control"))) {
            Set<Long> seen = ConcurrentHashMap.newKeySet();
            CountDownLatch done = new CountDownLatch(2);
            for (int w = 0; w < 2; w++) {
                int worker = w;
                Thread t = new Thread(() -> {
                    long[] where = new long[2];
                    while (seen.size() < total) {
                        long c = claimer.tryClaim(worker, where);
                        if (c != ControlFileDescriptor.NO_CLAIM) {
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
