/**
 * The {@code THREADS} placement: a bounded thread pool in the pipeline's JVM.
 *
 * <p>Internal: no compatibility promise. Choose it with {@code Placement.THREADS}; the pipeline finds it with
 * {@link java.util.ServiceLoader}, which is why its factory is public. See docs/api.md.
 */
package dev.hybridetl.cpu.threads;
