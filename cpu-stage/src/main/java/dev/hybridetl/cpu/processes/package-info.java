/**
 * The {@code PROCESSES} placement: supervised worker JVMs fed through Chronicle queues.
 *
 * <p>Internal: no compatibility promise. Choose it with {@code Placement.PROCESSES}; the pipeline finds it with
 * {@link java.util.ServiceLoader}, which is why its factory is public, and {@code WorkerMain} is public as the worker
 * JVM's main class. See docs/api.md.
 */
package dev.hybridetl.cpu.processes;
