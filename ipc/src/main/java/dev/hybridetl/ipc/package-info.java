/**
 * The data plane between the pipeline process and its worker processes.
 *
 * <p>Internal to the process placement ({@code cpu-stage}): no compatibility promise, the classes and the wire
 * format may change in any release. Public only because {@code cpu-stage} is another module. See docs/api.md.
 */
package dev.hybridetl.ipc;
