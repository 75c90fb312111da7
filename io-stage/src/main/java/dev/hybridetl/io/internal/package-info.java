/**
 * The file source's and file sink's machinery: chunked asynchronous reads, gzip, line framing, ordered writes.
 *
 * <p>Internal to {@code io-stage}: no compatibility promise. Use {@link dev.hybridetl.io.FileSource} and
 * {@link dev.hybridetl.io.FileSink}; the two public classes here are their entry points, and {@code LineFramer},
 * {@code RejectLines}, {@code BatchEncoder#lines} and {@code Publication}'s move and directory force are public for
 * {@code dev.hybridetl.io.stream}, which frames, encodes, dead-letters and publishes the same way. See docs/api.md.
 */
package dev.hybridetl.io.internal;
