package dev.hybridetl.io.internal;

/**
 * A place in the input between two records, where a read can start: what a checkpoint records, and where a resumed
 * run continues.
 *
 * @param offset byte offset of the next unread record in the input as framed (decompressed bytes for gzip); 0 for
 *               the start of a fresh read (the header is read first in every case)
 * @param line its line number (1-based; the header is line 1)
 * @param pendingCr true if the input up to {@code offset} ends with a {@code CR}: an {@code LF} at {@code offset}
 *                  is then the second half of that {@code CRLF}, not an empty line
 * @param sequence the sequence number of the next batch
 */
public record SourcePoint(long offset, long line, boolean pendingCr, long sequence) {
    /** The start of the input. */
    public static final SourcePoint START = new SourcePoint(0, 2, false, 0);

    public SourcePoint {
        if (offset < 0 || line < 1 || sequence < 0) {
            throw new IllegalArgumentException("bad source point: offset " + offset + ", line " + line
                    + ", sequence " + sequence);
        }
    }

    /** True for {@link #START}: nothing to skip. */
    boolean isStart() {
        return offset == 0;
    }
}
