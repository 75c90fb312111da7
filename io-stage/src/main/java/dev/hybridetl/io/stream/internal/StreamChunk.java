package dev.hybridetl.io.stream.internal;

/**
 * Bytes read from a stream, with where they came from.
 *
 * @param bytes the bytes, owned by the receiver
 * @param resource identity of the resource they were read from (a followed file's device and inode)
 * @param endOffset offset in that resource just after the last byte
 * @param endsResource true if the resource has ended after these bytes (a followed file was rotated away): an
 *                     unterminated last line then ends with it
 */
public record StreamChunk(byte[] bytes, String resource, long endOffset, boolean endsResource) {
}
