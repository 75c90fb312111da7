package dev.hybridetl.io.http;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Collects a response body as it arrives, refusing to grow past the limit: the copy is made while Netty's buffer is
 * still valid (Reactor Netty releases it after {@code onNext}), and an oversized body ends the request at once.
 * One per request; called on its connection's event loop only.
 */
final class BodyBuffer {
    private final int maxBytes;
    private byte[] data = new byte[4096];
    private int length;

    BodyBuffer(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** @throws TooLarge once the body exceeds the limit */
    BodyBuffer add(ByteBuf chunk) {
        int n = chunk.readableBytes();
        if (n > maxBytes - length) {
            throw new TooLarge();
        }
        if (length + n > data.length) {
            data = Arrays.copyOf(data, (int) Math.min(maxBytes, Math.max(length + n, data.length * 2L)));
        }
        chunk.getBytes(chunk.readerIndex(), data, length, n);
        length += n;
        return this;
    }

    byte[] bytes() {
        return Arrays.copyOf(data, length);
    }

    /** The body is over the limit. Without a stack trace: it is an outcome, not a bug. */
    static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("response body over the size limit", null, false, false);
        }
    }
}
