/**
 * The stream sources' and the rolling sink's machinery: the demand-driven line pump, the file follower, the part
 * writer.
 *
 * <p>Internal to {@code io-stage}: no compatibility promise. Use the classes of {@code dev.hybridetl.io.stream}; the
 * public classes here are public because those sit in another package. See docs/api.md.
 */
package dev.hybridetl.io.stream.internal;
