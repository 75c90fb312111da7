package dev.hybridetl.api;

import java.util.Objects;

/**
 * Where a read stands: enough for a new read of the same source to continue right after the records already read,
 * with nothing read twice and nothing skipped. A source reports it with {@link SourceReader#position()}; a source
 * that can continue takes it back (for example {@code FollowedFileSource.resumingAt}). The design is
 * docs/decisions/0009-sources-positions-and-endless-runs.md.
 *
 * @param resource identity of the resource being read when the position was taken, so that a continuing read can
 *                 tell whether it still has the same one (for a file: its device and inode, not its name, which
 *                 rotation reuses)
 * @param byteOffset bytes of that resource consumed, up to the end of the last record read
 * @param nextRecord the source position the next record will carry (for lines: its 1-based line number)
 * @param header the header of the read, which a continuing read needs and may not find again (a followed file's
 *               header is the first line of the first file; the files rotated in after it have none)
 */
public record SourcePosition(String resource, long byteOffset, long nextRecord, String header) {
    public SourcePosition {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(header, "header");
        if (byteOffset < 0) {
            throw new IllegalArgumentException("byteOffset must not be negative, was " + byteOffset);
        }
        if (nextRecord < 1) {
            throw new IllegalArgumentException("nextRecord must be positive, was " + nextRecord);
        }
    }
}
