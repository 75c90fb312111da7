package dev.hybridetl.ipc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueueDirectoryTest {

    @Test
    @Timeout(10)
    void shouldRefuseSecondOwnerWithinASecondNamingTheHolderPid(@TempDir Path tmp) throws Exception {
        try (QueueDirectory first = QueueDirectory.acquire(tmp.resolve("q"), "stage-0")) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> QueueDirectory.acquire(tmp.resolve("q"), "stage-0"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by process " + ProcessHandle.current().pid());
            assertThat(System.nanoTime() - t0).isLessThan(1_000_000_000L);
            assertThat(first.path()).isDirectory();
        }
    }

    @Test
    void shouldCreatePrivateTreeAndKeepItPrivateAfterChronicleWrites(@TempDir Path tmp) throws Exception {
        try (QueueDirectory qd = QueueDirectory.acquire(tmp.resolve("q"), "stage-0")) {
            try (var queue = StageQueues.open(StageQueues.inputSegment(qd.path(), 0))) {
                try (var dc = queue.createAppender().writingDocument()) {
                    dc.wire().bytes().writeLong(1);
                }
                qd.secure();
                assertPrivate(qd.path());
            }
        }
    }

    @Test
    void shouldDeleteTreeAndCreatedRootOnSuccessfulClose(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("fresh");
        QueueDirectory qd = QueueDirectory.acquire(root, "stage-0");
        Files.writeString(qd.subdirectory("in-0").resolve("x"), "x");
        qd.close(true);
        assertThat(root).doesNotExist();
    }

    @Test
    void shouldKeepTreeAndReleaseLockOnFailedClose(@TempDir Path tmp) throws Exception {
        QueueDirectory qd = QueueDirectory.acquire(tmp.resolve("q"), "stage-0");
        Path marker = qd.subdirectory("in-0");
        qd.close(false);
        assertThat(marker).isDirectory();
        try (QueueDirectory again = QueueDirectory.acquire(tmp.resolve("q"), "stage-0")) {
            assertThat(marker).as("a new owner starts from an empty directory").doesNotExist();
        }
    }

    @Test
    void shouldDefaultToAFreshDirectoryUnderDevShmOrTmp() throws Exception {
        QueueDirectory qd = QueueDirectory.acquire(null, "stage-0");
        try {
            Path expectedBase = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm")
                    : Path.of(System.getProperty("java.io.tmpdir"));
            assertThat(qd.root().getParent()).isEqualTo(expectedBase);
            assertThat(qd.root().getFileName().toString()).startsWith("hybrid-etl-");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(qd.root()))).isEqualTo("rwx------");
        } finally {
            qd.close(true);
        }
        assertThat(qd.root()).doesNotExist();
    }

    static void assertPrivate(Path top) throws Exception {
        try (Stream<Path> paths = Files.walk(top)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                assertThat(mode).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
            }
        }
    }

    @Test
    void shouldSweepOnlyRootsWhoseOwnerIsGoneWhenANewRunStarts(@TempDir Path base) throws Exception {
        Path abandoned = Files.createDirectories(base.resolve("hybrid-etl-111/stage-0"));
        Files.writeString(abandoned.resolve(QueueDirectory.LOCK_FILE), "999999\n");
        Path young = Files.createDirectories(base.resolve("hybrid-etl-222/stage-0"));
        Files.writeString(young.resolve(QueueDirectory.LOCK_FILE), "999999\n");
        Path notOurs = Files.createDirectories(base.resolve("something-else"));
        long old = System.currentTimeMillis() - 2 * QueueDirectory.SWEEP_MIN_AGE_MS;
        Files.setLastModifiedTime(base.resolve("hybrid-etl-111"), java.nio.file.attribute.FileTime.fromMillis(old));
        Files.setLastModifiedTime(notOurs, java.nio.file.attribute.FileTime.fromMillis(old));

        try (QueueDirectory live = QueueDirectory.acquire(base.resolve("hybrid-etl-333"), "stage-0")) {
            Files.setLastModifiedTime(live.root(), java.nio.file.attribute.FileTime.fromMillis(old));

            QueueDirectory.sweepAbandoned(base);

            assertThat(base.resolve("hybrid-etl-111")).as("owner gone").doesNotExist();
            assertThat(base.resolve("hybrid-etl-222")).as("too young to judge").isDirectory();
            assertThat(live.path()).as("owner alive (its lock is held)").isDirectory();
            assertThat(notOurs).as("not a queue root").isDirectory();
        }
    }
}
