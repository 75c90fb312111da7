package dev.hybridetl.ipc;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * One worker incarnation's result queue: an Agrona {@link OneToOneRingBuffer} over a memory-mapped file in the
 * stage directory ({@code out-<worker>-<incarnation>.ring}), written by that worker and read by the pipeline.
 *
 * <p><b>Why a ring, not a Chronicle queue.</b> Results are most of the bytes a process stage moves (the route job
 * writes 1.7 GB of results for 97 MB of input). A Chronicle queue appends into fresh pages, so every 4 KiB of results
 * cost the worker a page fault that allocates and zeroes a tmpfs page, and the pipeline another to map it (issue 9:
 * 7x the minor faults per GB of the threads placement, about 1.2 CPU-s of worker kernel time on a 3M route run), and
 * each segment had to be rolled, followed and deleted. A ring is the same pages over and over: it is filled with
 * zeros when it is created (so a /dev/shm too small for it fails then, with an {@link IOException}, not later with
 * a SIGBUS), faults in once, and then costs no kernel time at all. Results need none of what the queue's
 * persistence gives: a worker's results are read once, by one reader, and resume works from the sink's checkpoint
 * (decision 0005), never from a queue. The input stays in Chronicle: it is claimed by any worker and re-delivered
 * from where it is.
 *
 * <p><b>Frames of any size.</b> A ring message is at most an eighth of the capacity ({@link #maxMessageBytes()}). A
 * frame that fits is encoded in place, in the ring's own memory (no copy on the worker's side); a larger one is
 * encoded into a scratch buffer and written as fragments, which the reader joins again. A worker that dies in the
 * middle of a frame leaves it unfinished: the reader stops at a message that was claimed and never committed, and a
 * half-joined frame is dropped with the ring (its batch is unanswered, so it is delivered again).
 *
 * <p>Not thread-safe: one writing thread (the worker's main loop), one reading thread (the stage conductor).
 */
public final class ResultRing implements AutoCloseable {
    /** Default ring capacity: two of them per stage (one per worker) are 8 MiB of /dev/shm, far below 64 MB. */
    public static final int DEFAULT_CAPACITY_BYTES = 4 * 1024 * 1024;
    /** Smallest capacity: a ring message must hold a frame header and a few records. */
    public static final int MIN_CAPACITY_BYTES = 64 * 1024;
    /** Largest capacity. */
    public static final int MAX_CAPACITY_BYTES = 1 << 30;

    private static final int WHOLE = 1;
    private static final int FIRST_FRAGMENT = 2;
    private static final int NEXT_FRAGMENT = 3;
    /** A first fragment starts with the whole frame's length. */
    private static final int FRAGMENT_HEADER_BYTES = 4;

    private final Path file;
    private final MappedByteBuffer mapped;
    private final OneToOneRingBuffer ring;
    private final int maxMessageBytes;
    /** Writer: a frame too large for one message is encoded here first. */
    private ExpandableArrayBuffer scratch;
    /** Reader: the fragments of the frame being joined, and how many of its bytes have arrived. */
    private ExpandableArrayBuffer joined;
    private int joinedBytes = -1;
    private int joinedLength;
    /**
     * Reader: the handler of the current {@link #read}, and the ring's callback, made once (a lambda capturing the
     * handler would be allocated on every read, which the conductor makes on every duty cycle, idle or not).
     */
    private FrameHandler reading;
    private final MessageHandler onMessage = this::onMessage;

    private ResultRing(Path file, MappedByteBuffer mapped) {
        this.file = file;
        this.mapped = mapped;
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(mapped));
        this.maxMessageBytes = ring.maxMsgLength();
    }

    /** The file's size for a ring of {@code capacityBytes}. */
    public static long fileBytes(int capacityBytes) {
        return (long) capacityBytes + RingBufferDescriptor.TRAILER_LENGTH;
    }

    /**
     * Checks a capacity: a power of two between {@link #MIN_CAPACITY_BYTES} and {@link #MAX_CAPACITY_BYTES}.
     *
     * @throws IllegalArgumentException naming {@code setting} if it is not
     */
    public static int checkCapacity(String setting, long capacityBytes) {
        if (capacityBytes < MIN_CAPACITY_BYTES || capacityBytes > MAX_CAPACITY_BYTES
                || Long.bitCount(capacityBytes) != 1) {
            throw new IllegalArgumentException(setting + " must be a power of two from " + MIN_CAPACITY_BYTES
                    + " to " + MAX_CAPACITY_BYTES + " bytes, was " + capacityBytes);
        }
        return (int) capacityBytes;
    }

    /**
     * Creates the ring's file (owner-only), filled with zeros so that its pages are allocated now, and maps it. The
     * writer calls this before it says it is ready.
     *
     * @throws IOException if the file exists or the file system has no room for it
     */
    public static ResultRing create(Path file, int capacityBytes) throws IOException {
        checkCapacity("result ring capacity", capacityBytes);
        return new ResultRing(file, QueueDirectory.createMapped(file, fileBytes(capacityBytes), "result ring"));
    }

    /** Maps an existing ring (the reader, once the writer is ready). */
    public static ResultRing open(Path file) throws IOException {
        return new ResultRing(file, QueueDirectory.openMapped(file, "result ring"));
    }

    public Path file() {
        return file;
    }

    /** The largest frame written as one message, in place. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Encodes one frame of exactly {@code frameBytes} into the memory given, at the offset given. */
    @FunctionalInterface
    public interface FrameEncoder {
        void encode(MutableDirectBuffer buffer, int offset);
    }

    /**
     * Writes one frame of {@code frameBytes}, waiting with {@code idle} while the ring is full.
     *
     * @param giveUp asked while waiting: true abandons the frame (the reader is going away)
     * @return false if it gave up
     */
    public boolean write(int frameBytes, FrameEncoder encoder, IdleStrategy idle, BooleanSupplier giveUp) {
        if (frameBytes <= maxMessageBytes) {
            int index;
            while ((index = ring.tryClaim(WHOLE, frameBytes)) == RingBuffer.INSUFFICIENT_CAPACITY) {
                if (giveUp.getAsBoolean()) {
                    return false;
                }
                idle.idle();
            }
            idle.reset();
            try {
                encoder.encode(ring.buffer(), index);
            } catch (RuntimeException | Error e) {
                ring.abort(index);
                throw e;
            }
            ring.commit(index);
            return true;
        }
        if (scratch == null) {
            scratch = new ExpandableArrayBuffer(frameBytes);
        }
        scratch.checkLimit(FRAGMENT_HEADER_BYTES + frameBytes);
        scratch.putInt(0, frameBytes);
        encoder.encode(scratch, FRAGMENT_HEADER_BYTES);
        int end = FRAGMENT_HEADER_BYTES + frameBytes;
        for (int at = 0; at < end; ) {
            int length = Math.min(maxMessageBytes, end - at);
            while (!ring.write(at == 0 ? FIRST_FRAGMENT : NEXT_FRAGMENT, scratch, at, length)) {
                if (giveUp.getAsBoolean()) {
                    return false;
                }
                idle.idle();
            }
            idle.reset();
            at += length;
        }
        return true;
    }

    /** What the reader does with one whole frame: its bytes are valid only during the call. */
    @FunctionalInterface
    public interface FrameHandler {
        void onFrame(DirectBuffer buffer, int offset, int length);
    }

    /**
     * Reads up to {@code maxMessages} messages, handing every whole frame to {@code handler}; returns the messages
     * read (0: nothing new). A frame that fits a message is handed over in the ring's own memory.
     */
    public int read(FrameHandler handler, int maxMessages) {
        reading = handler;
        return ring.read(onMessage, maxMessages);
    }

    /** One ring message: a whole frame, or a fragment of one, for {@link #reading}. */
    private void onMessage(int type, MutableDirectBuffer buffer, int index, int length) {
        FrameHandler handler = reading;
        switch (type) {
            case WHOLE -> handler.onFrame(buffer, index, length);
            case FIRST_FRAGMENT -> {
                joinedLength = buffer.getInt(index);
                if (joined == null) {
                    joined = new ExpandableArrayBuffer(joinedLength);
                }
                joined.checkLimit(joinedLength);
                joinedBytes = length - FRAGMENT_HEADER_BYTES;
                joined.putBytes(0, buffer, index + FRAGMENT_HEADER_BYTES, joinedBytes);
                finishJoined(handler);
            }
            case NEXT_FRAGMENT -> {
                if (joinedBytes < 0) {
                    throw new IllegalStateException(file + ": a fragment without its first part");
                }
                joined.putBytes(joinedBytes, buffer, index, length);
                joinedBytes += length;
                finishJoined(handler);
            }
            default -> throw new IllegalStateException(file + ": unknown message type " + type);
        }
    }

    private void finishJoined(FrameHandler handler) {
        if (joinedBytes >= joinedLength) {
            joinedBytes = -1;
            handler.onFrame(joined, 0, joinedLength);
        }
    }

    /** Unmaps the ring; the file stays (the stage directory's owner deletes it). */
    @Override
    public void close() {
        IoUtil.unmap(mapped);
    }
}
