package dev.hybridetl.io.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Reject;
import dev.hybridetl.api.StageMetrics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a byte stream, chunk by chunk, into lines and packs them into batches. Pure computation: no I/O, no
 * threads; owned by one thread at a time (the run's event loop).
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Terminators</b> are {@code LF}, {@code CRLF} and a lone {@code CR}, as {@code BufferedReader.readLine}
 *       splits them. A {@code CR} that ends a chunk ends its line at once and leaves {@link #pendingCr} set, so an
 *       {@code LF} at the start of the next chunk is swallowed as the second half of the same {@code CRLF}.</li>
 *   <li><b>Lines</b> are numbered from 1; line 1 is the header, kept apart. A line exists once a byte of it or its
 *       terminator has been seen, so a file ending with a terminator has no empty last record, while an empty line
 *       in the middle is an (empty) record. Bytes are opaque (ISO-8859-1 for the header text).</li>
 *   <li><b>Speed.</b> The inner loop only compares bytes of the chunk array; the bytes between two terminators are
 *       copied once, in one {@code arraycopy}, straight into the batch being built ({@link BatchAssembler}).</li>
 *   <li><b>Bounded memory.</b> A record that grows past {@code maxRecordBytes} is dropped from the batch at that
 *       moment and becomes a {@link Reject.Reasons#RECORD_TOO_LONG} reject holding its first
 *       {@code min(maxRecordBytes, 4096)} bytes; the rest of the line is skipped without being stored. The header
 *       has no such fallback (transforms need it whole), so a header over the limit fails the read.</li>
 *   <li><b>Batches</b> close at the first record boundary at or after {@code batchBytes}; the framing time since the
 *       previous batch is reported with each batch. Where the input continues after each batch (byte offset, line,
 *       a pending {@code CR}) goes to {@link SourcePositions}, for checkpoints.</li>
 *   <li><b>Resuming</b> at a {@link SourcePoint}: the header is framed as always (transforms need it), then the
 *       bytes up to the point are jumped over, in the chunk at hand or by asking the reader to skip
 *       ({@link #takeRequestedSkip()}), and numbering continues at the point's line. Since the point is a batch end
 *       of the earlier run and batches close by size from their first record, the batches that follow are cut
 *       exactly as the earlier run cut them.</li>
 * </ul>
 */
public final class LineFramer {
    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final int MAX_REJECT_RAW_BYTES = 4096;

    private final int maxRecordBytes;
    private final BatchAssembler batch;
    /** Where batch ends are reported; null if nobody asks. */
    private final SourcePositions positions;
    /** Where to continue once the header is read; null for a fresh read or once reached. */
    private SourcePoint resumeAt;
    /** Offset of the next chunk's first byte in the input (skipped bytes included). */
    private long consumed;
    private long requestedSkip;

    private byte[] header = new byte[256];
    private int headerLength;
    private String headerText;

    private long lineNumber = 1;
    private boolean lineStarted;
    private boolean pendingCr;
    private boolean skippingLongLine;
    private long unreportedBusyNanos;

    LineFramer(int maxRecordBytes, BatchAssembler batch) {
        this(maxRecordBytes, batch, SourcePoint.START, null);
    }

    /**
     * @param start where to continue after the header ({@link SourcePoint#START} for a fresh read)
     * @param positions where to report batch ends, or null
     */
    LineFramer(int maxRecordBytes, BatchAssembler batch, SourcePoint start, SourcePositions positions) {
        this.maxRecordBytes = maxRecordBytes;
        this.batch = batch;
        this.positions = positions;
        this.resumeAt = start.isStart() ? null : start;
    }

    /**
     * A framer for a stream (a socket, a followed file): batches numbered from 0, no checkpoints. Fresh
     * ({@code knownHeader} null), the first line is the header; continuing a read, the header is the one given and
     * the first line framed is record {@code nextLine}.
     */
    public static LineFramer forStream(int batchBytes, int maxRecordBytes, StageMetrics metrics, String knownHeader,
                                       long nextLine) {
        LineFramer framer = new LineFramer(maxRecordBytes, new BatchAssembler(batchBytes, Long.MAX_VALUE, metrics, 0));
        if (knownHeader != null) {
            framer.headerText = knownHeader;
            framer.header = null;
            framer.lineNumber = nextLine;
        }
        return framer;
    }

    /** The number the next line framed gets (the header is line 1). */
    public long nextLine() {
        return lineNumber;
    }

    /**
     * Bytes the reader must skip before the next chunk: the rest of the way to the resume point, when it lies beyond
     * the chunk just framed. Asking clears it.
     */
    long takeRequestedSkip() {
        long skip = requestedSkip;
        requestedSkip = 0;
        return skip;
    }

    /** The header line, or null while it is incomplete. */
    public String header() {
        return headerText;
    }

    /**
     * Frames {@code bytes[0 .. length)} and returns the batches completed by it (often none).
     *
     * @throws IllegalStateException if the header line is longer than {@code maxRecordBytes}
     */
    public List<RecordBatch> frame(byte[] bytes, int length) {
        long startNanos = System.nanoTime();
        List<RecordBatch> completed = List.of();
        long chunkStart = consumed;
        consumed += length;
        int i = 0;
        if (pendingCr && length > 0) {
            pendingCr = false;
            if (bytes[0] == LF) {
                i = 1;
            }
        }
        while (i < length) {
            int end = i;
            while (end < length) {
                byte b = bytes[end];
                if (b == LF || b == CR) {
                    break;
                }
                end++;
            }
            if (end > i) {
                appendToLine(bytes, i, end - i);
            }
            if (end == length) {
                break;
            }
            if (bytes[end] == CR) {
                if (end + 1 == length) {
                    pendingCr = true;
                } else if (bytes[end + 1] == LF) {
                    end++;
                }
            }
            i = end + 1;
            endLine();
            if (resumeAt != null && headerText != null) {
                i = jumpToResumePoint(bytes, length, chunkStart, i);
                continue;
            }
            if (batch.full()) {
                long now = System.nanoTime();
                completed = add(completed, closeBatch(unreportedBusyNanos + now - startNanos, chunkStart + i));
                unreportedBusyNanos = 0;
                startNanos = now;
            }
        }
        unreportedBusyNanos += System.nanoTime() - startNanos;
        return completed;
    }

    /**
     * The header has just ended at {@code chunkStart + i}: continue at the resume point, inside this chunk (returns
     * the index to go on from) or after it (asks for a skip, returns {@code length}).
     */
    private int jumpToResumePoint(byte[] bytes, int length, long chunkStart, int i) {
        SourcePoint to = resumeAt;
        resumeAt = null;
        if (to.offset() < chunkStart + i) {
            throw new IllegalStateException("the resume point (byte " + to.offset() + ") lies inside the header, "
                    + "which ends at byte " + (chunkStart + i) + ": the input is not the one that was checkpointed");
        }
        lineNumber = to.line();
        pendingCr = to.pendingCr();
        if (to.offset() >= chunkStart + length) {
            requestedSkip = to.offset() - (chunkStart + length);
            consumed += requestedSkip;
            return length;
        }
        int at = (int) (to.offset() - chunkStart);
        if (pendingCr) {
            pendingCr = false;
            if (bytes[at] == LF) {
                at++; // the second half of the CRLF that ended the last record before the point
            }
        }
        return at;
    }

    private RecordBatch closeBatch(long busyNanos, long nextOffset) {
        long sequence = batch.nextSequence();
        RecordBatch closed = batch.close(busyNanos);
        if (positions != null) {
            positions.ended(sequence, new SourcePoint(nextOffset, lineNumber, pendingCr, sequence + 1));
        }
        return closed;
    }

    /** True if the open batch has records or rejects. */
    public boolean holdsRecords() {
        return !batch.isEmpty();
    }

    /**
     * Closes the open batch now, if it has records or rejects (a stream that goes quiet must not hold its last lines
     * back until a batch fills). Only between whole lines: the caller frames whole lines only.
     */
    public List<RecordBatch> flush() {
        if (headerText == null || lineStarted || batch.isEmpty()) {
            return List.of();
        }
        RecordBatch closed = closeBatch(unreportedBusyNanos, consumed);
        unreportedBusyNanos = 0;
        return List.of(closed);
    }

    /**
     * Ends the input: closes an unterminated last line and returns the last batch, if any.
     *
     * @throws IllegalStateException if the input ended before the resume point
     */
    public List<RecordBatch> finish() {
        if (resumeAt != null) {
            throw new IllegalStateException("the input ends at byte " + consumed + ", before the resume point at byte "
                    + resumeAt.offset() + ": it is not the input that was checkpointed");
        }
        if (lineStarted) {
            endLine();
        }
        if (headerText == null) {
            headerText = "";
        }
        if (batch.isEmpty()) {
            return List.of();
        }
        RecordBatch last = closeBatch(unreportedBusyNanos, consumed);
        unreportedBusyNanos = 0;
        return List.of(last);
    }

    private void appendToLine(byte[] bytes, int offset, int n) {
        lineStarted = true;
        if (headerText == null) {
            appendToHeader(bytes, offset, n);
        } else if (!skippingLongLine) {
            if (batch.openRecordLength() + n > maxRecordBytes) {
                rejectOpenRecord(bytes, offset, n);
            } else {
                batch.append(bytes, offset, n);
            }
        }
    }

    private void rejectOpenRecord(byte[] bytes, int offset, int n) {
        int have = batch.openRecordLength();
        byte[] raw = new byte[Math.min(maxRecordBytes, MAX_REJECT_RAW_BYTES)];
        int fromBatch = Math.min(have, raw.length);
        batch.copyOpenRecord(raw, fromBatch);
        System.arraycopy(bytes, offset, raw, fromBatch, raw.length - fromBatch);
        batch.dropOpenRecord();
        batch.reject(new Reject(lineNumber, Reject.Reasons.RECORD_TOO_LONG, raw));
        skippingLongLine = true;
    }

    private void appendToHeader(byte[] bytes, int offset, int n) {
        int needed = headerLength + n;
        if (needed > maxRecordBytes) {
            throw new IllegalStateException("the header line is longer than maxRecordBytes=" + maxRecordBytes);
        }
        if (needed > header.length) {
            header = Arrays.copyOf(header, Math.max(needed, header.length * 2));
        }
        System.arraycopy(bytes, offset, header, headerLength, n);
        headerLength = needed;
    }

    private void endLine() {
        if (headerText == null) {
            headerText = new String(header, 0, headerLength, StandardCharsets.ISO_8859_1);
            header = null;
        } else if (skippingLongLine) {
            skippingLongLine = false;
        } else {
            batch.endRecord(lineNumber);
        }
        lineNumber++;
        lineStarted = false;
    }

    private static List<RecordBatch> add(List<RecordBatch> list, RecordBatch batch) {
        List<RecordBatch> out = list.isEmpty() ? new ArrayList<>(4) : list;
        out.add(batch);
        return out;
    }
}
