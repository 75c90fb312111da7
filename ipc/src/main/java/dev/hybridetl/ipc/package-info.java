/**
 * The data plane between the pipeline process and its worker processes.
 */
package dev.hybridetl.ipc;
