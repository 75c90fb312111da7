/**
 * The command line ({@code pipeline-app.jar}). Not a library: no compatibility promise for its classes; the
 * command line's options and exit codes are what it offers. See docs/api.md.
 */
package dev.hybridetl.app;
