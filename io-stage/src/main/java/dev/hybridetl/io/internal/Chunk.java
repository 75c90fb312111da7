package dev.hybridetl.io.internal;

/**
 * Bytes read from the input: {@code bytes[0 .. length)}. {@link #EOF} marks the end of the input.
 *
 * <p>The array belongs to whoever holds the chunk; the framer copies what it keeps, so the array may be dropped
 * after framing.
 */
record Chunk(byte[] bytes, int length) {
    static final Chunk EOF = new Chunk(new byte[0], -1);

    boolean isEof() {
        return length < 0;
    }
}
