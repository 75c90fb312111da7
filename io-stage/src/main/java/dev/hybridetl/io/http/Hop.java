package dev.hybridetl.io.http;

import java.net.URI;
import java.util.Map;

/** What one request gave: a page, a redirect to follow, or a failure. (A class, so its types stay package-private.) */
final class Hop {
    private Hop() {
    }

    /** One of the three. */
    sealed interface Result permits Page, Redirect, Failure {
    }

    /** A 2xx response, its body read in full. */
    record Page(URI uri, int status, Map<String, String> headers, byte[] body) implements Result {
    }

    /** A 3xx response with its {@code Location} as sent (null if it had none). */
    record Redirect(String location) implements Result {
    }

    /**
     * A failed request.
     *
     * @param reason the dead-letter reason, if it is the last attempt
     * @param retryable whether another attempt may succeed
     * @param retryAfterMillis the server's {@code Retry-After}, or -1 if it sent none
     */
    record Failure(String reason, boolean retryable, long retryAfterMillis) implements Result {
        static Failure of(String reason, boolean retryable) {
            return new Failure(reason, retryable, -1);
        }
    }
}
