package dev.hybridetl.io.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Reject;

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
 *       previous batch is reported with each batch.</li>
 * </ul>
 */
final class LineFramer {
    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final int MAX_REJECT_RAW_BYTES = 4096;

    private final int maxRecordBytes;
    private final BatchAssembler batch;

    private byte[] header = new byte[256];
    private int headerLength;
    private String headerText;

    private long lineNumber = 1;
    private boolean lineStarted;
    private boolean pendingCr;
    private boolean skippingLongLine;
    private long unreportedBusyNanos;

    LineFramer(int maxRecordBytes, BatchAssembler batch) {
        this.maxRecordBytes = maxRecordBytes;
        this.batch = batch;
    }

    /** The header line, or null while it is incomplete. */
    String header() {
        return headerText;
    }

    /**
     * Frames {@code bytes[0 .. length)} and returns the batches completed by it (often none).
     *
     * @throws IllegalStateException if the header line is longer than {@code maxRecordBytes}
     */
    List<RecordBatch> frame(byte[] bytes, int length) {
        long startNanos = System.nanoTime();
        List<RecordBatch> completed = List.of();
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
            if (batch.full()) {
                long now = System.nanoTime();
                completed = add(completed, batch.close(unreportedBusyNanos + now - startNanos));
                unreportedBusyNanos = 0;
                startNanos = now;
            }
        }
        unreportedBusyNanos += System.nanoTime() - startNanos;
        return completed;
    }

    /** Ends the input: closes an unterminated last line and returns the last batch, if any. */
    List<RecordBatch> finish() {
        if (lineStarted) {
            endLine();
        }
        if (headerText == null) {
            headerText = "";
        }
        if (batch.isEmpty()) {
            return List.of();
        }
        RecordBatch last = batch.close(unreportedBusyNanos);
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
