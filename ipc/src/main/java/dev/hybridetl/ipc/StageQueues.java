package dev.hybridetl.ipc;

import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.StoreFileListener;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Names the files of one stage directory and opens its Chronicle queues. Both sides (pipeline and workers) go
 * through here, so the names and settings match.
 *
 * <p>Input space is reclaimed by <em>segments</em>, not roll cycles: Chronicle only rolls by time (the shortest
 * production cycle is five minutes, longer than a whole run), so the pipeline moves to a fresh queue directory once
 * it has written {@code segmentBytes} into the current one, and a segment is deleted as soon as nothing in it is
 * needed. Results go through one fixed-size {@link ResultRing} per worker incarnation instead, which is never
 * reclaimed during a run because it is reused in place:
 * <pre>
 *   &lt;stage dir&gt;/
 *     owner.lock            PID of the owning pipeline (locked)
 *     control               ControlFileDescriptor: claims, index ring, heartbeats
 *     worker.properties     what a worker needs to build its transform
 *     in-0/ in-1/ ...       input segments (writer: pipeline; readers: workers, by index from the ring)
 *     out-W-I.ring          results of worker W, incarnation I (writer: that process; reader: pipeline)
 * </pre>
 * The roll cycle inside an input segment is daily; a segment that spans midnight simply has two cycle files.
 */
public final class StageQueues {
    /**
     * Default bytes the pipeline puts into one input segment before moving to the next. Every mapped, touched page
     * of the segments a process has open counts in its RSS (16 MiB kept the pipeline process of a 3M-row run at
     * about 230 MB with -Xmx128m, where 64 MiB made it 360 MB), and a stage holds about one or two input segments
     * at once besides its result rings, so the default fits a container's 64 MB /dev/shm with room to spare.
     */
    public static final long DEFAULT_SEGMENT_BYTES = 8L * 1024 * 1024;
    /** Mapping granularity: a frame must fit in a quarter of it (Chronicle's limit for one excerpt). */
    static final long BLOCK_SIZE = 4L * BatchCodec.DEFAULT_MAX_FRAME_BYTES;

    private StageQueues() {
    }

    public static Path inputSegment(Path stageDir, long segment) {
        return stageDir.resolve("in-" + segment);
    }

    /** The result ring of worker {@code worker}'s incarnation {@code incarnation}. */
    public static Path resultRing(Path stageDir, int worker, long incarnation) {
        // The app's dump command tells a worker's role by this name in its /proc/PID/maps (PipelineJvms).
        return stageDir.resolve("out-" + worker + "-" + incarnation + ".ring");
    }

    /** The control file of a stage directory. */
    public static Path controlFile(Path stageDir) {
        return stageDir.resolve("control");
    }

    /** The worker specification file of a stage directory. */
    public static Path workerSpecFile(Path stageDir) {
        return stageDir.resolve("worker.properties");
    }

    /**
     * Opens (creating if needed) the queue in {@code queueDir}, with mode 0700 on the directory and 0600 on every
     * file Chronicle creates or acquires.
     */
    public static SingleChronicleQueue open(Path queueDir) throws IOException {
        if (!Files.isDirectory(queueDir)) {
            Files.createDirectories(queueDir);
        }
        QueueDirectory.secureTree(queueDir);
        SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(queueDir)
                .rollCycle(RollCycles.FAST_DAILY)
                .blockSize(BLOCK_SIZE)
                .storeFileListener(new SecuringListener())
                .build();
        QueueDirectory.secureTree(queueDir);
        return queue;
    }

    /** Makes each cycle file private as soon as this process maps it. */
    private static final class SecuringListener implements StoreFileListener {
        @Override
        public void onAcquired(int cycle, File file) {
            QueueDirectory.secureTree(file.toPath());
        }

        @Override
        public void onReleased(int cycle, File file) {
            // nothing to do: deletion is by whole segment
        }
    }
}
