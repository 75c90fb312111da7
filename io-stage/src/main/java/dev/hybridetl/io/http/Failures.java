package dev.hybridetl.io.http;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.TimeoutException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;

/**
 * Turns what a request threw into a dead-letter reason, and says whether it deserves another attempt: only the
 * transient ones do (a refused or broken connection). A timeout is not retried: a server that did not answer within
 * the limit rarely does on the next try, and each retry would hold a slot of the window for another timeout.
 */
final class Failures {
    /** Causes looked at, at most: a chain can be cyclic. */
    private static final int MAX_CAUSE_DEPTH = 16;

    private Failures() {
    }

    static Hop.Failure classify(Throwable error) {
        if (has(error, BodyBuffer.TooLarge.class)) {
            return Hop.Failure.of(HttpSource.Reasons.TOO_LARGE, false);
        }
        if (has(error, java.util.concurrent.TimeoutException.class) || has(error, TimeoutException.class)
                || has(error, ConnectTimeoutException.class)) {
            return Hop.Failure.of(HttpSource.Reasons.TIMEOUT, false);
        }
        if (has(error, UnknownHostException.class)) {
            return Hop.Failure.of(HttpSource.Reasons.DNS, false);
        }
        if (has(error, SSLException.class)) {
            return Hop.Failure.of(HttpSource.Reasons.TLS, false);
        }
        if (has(error, ConnectException.class)) {
            return Hop.Failure.of(HttpSource.Reasons.CONNECT, true);
        }
        if (has(error, DecoderException.class)) {
            return Hop.Failure.of(HttpSource.Reasons.BAD_RESPONSE, false);
        }
        if (has(error, IOException.class)) {
            // includes Reactor Netty's PrematureCloseException
            return Hop.Failure.of(HttpSource.Reasons.CONNECTION_LOST, true);
        }
        return Hop.Failure.of(HttpSource.Reasons.FETCH_ERROR, false);
    }

    private static boolean has(Throwable error, Class<? extends Throwable> type) {
        Throwable t = error;
        for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
