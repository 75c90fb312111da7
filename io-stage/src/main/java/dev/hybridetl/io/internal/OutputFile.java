package dev.hybridetl.io.internal;

import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One file a sink writes: a regular file staged under a temporary name ({@link StagedFile}) or a stream written in
 * place ({@link StreamFile}).
 *
 * <p>Threading: {@link #append} never blocks and is called again only after the previous append completed;
 * {@link #finish} and {@link #discard} block and run on the blocking scheduler.
 */
interface OutputFile {

    /** Writes all of {@code buffer} after what was written before; the buffer is not touched after completion. */
    Mono<Void> append(ByteBuffer buffer);

    /** Bytes written so far: the sum of the completed appends (and, after a resume, what was kept). */
    long length();

    /** Blocking: makes what was written durable (staged files; streams have nothing to force) and closes. */
    void finish() throws IOException;

    /** Blocking, idempotent, never throws: stops writing and removes what can be removed (the temporary file). */
    void discard();
}
