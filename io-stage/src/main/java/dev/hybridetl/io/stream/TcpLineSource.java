package dev.hybridetl.io.stream;

import dev.hybridetl.api.Source;
import dev.hybridetl.api.SourceReader;
import dev.hybridetl.api.SourceSettings;
import dev.hybridetl.io.internal.LineFramer;
import dev.hybridetl.io.stream.internal.LinePump;
import dev.hybridetl.io.stream.internal.StreamChunk;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A TCP line stream as a {@link Source}: connects to {@code host:port} and reads lines until the peer closes the
 * connection or the run is stopped ({@link dev.hybridetl.api.PipelineRun#stop()}). The first line is the header, as
 * for a file; every later line is one record whose position is its 1-based line number. Line terminators are those
 * of {@link dev.hybridetl.io.FileSource}.
 *
 * <p>Backpressure reaches the producer: the connection is read only when the pipeline asks for more batches (Reactor
 * Netty turns the channel's auto-read off while nothing is asked), so when the workers fall behind the socket's
 * receive buffer fills and TCP flow control stalls the producer's writes. Memory is bounded by one read, the
 * partial line and the pipeline's in-flight window, whatever the producer sends.
 *
 * <p>On a stop the whole lines read so far are the last records; a partial line is left unread. A socket cannot be
 * read again, so the reader has no {@link SourceReader#position() position}.
 *
 * <p>Threading: each read connects on its own Netty event-loop thread (released when the reader closes); framing
 * runs on that thread, never blocking it. Immutable.
 */
public final class TcpLineSource implements Source {
    /** How long {@link #open} waits for the connection by default. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LOOP_QUIET_PERIOD = Duration.ZERO;
    private static final Duration LOOP_SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private final String host;
    private final int port;
    private final Duration connectTimeout;

    private TcpLineSource(String host, int port, Duration connectTimeout) {
        this.host = host;
        this.port = port;
        this.connectTimeout = connectTimeout;
    }

    /**
     * A source that connects to {@code host:port}.
     *
     * @throws IllegalArgumentException if the port is not 1..65535 or the host is blank
     */
    public static TcpLineSource of(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("the host is empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("the port must be 1..65535, was " + port);
        }
        return new TcpLineSource(host, port, DEFAULT_CONNECT_TIMEOUT);
    }

    /**
     * A source for {@code HOST:PORT} ({@code [::1]:9000} for an IPv6 address).
     *
     * @throws IllegalArgumentException naming the address if it is not of that form
     */
    public static TcpLineSource parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("a TCP address is HOST:PORT, was '" + address + "'");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a TCP address is HOST:PORT, was '" + address + "'", e);
        }
        return of(host, port);
    }

    /**
     * The same source with another connect timeout.
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public TcpLineSource withConnectTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the connect timeout must be positive, was " + timeout);
        }
        return new TcpLineSource(host, port, timeout);
    }

    /** {@code tcp://host:port}. */
    @Override
    public String description() {
        return "tcp://" + host + ":" + port;
    }

    /**
     * Connects and reads the header. Never blocks the calling thread.
     *
     * @return a Mono of the reader, completing once the header line is read; it fails with an {@link IOException}
     *     naming the address if the connection cannot be made in time
     */
    @Override
    public Mono<SourceReader> open(SourceSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return Mono.defer(() -> {
            LoopResources loops = LoopResources.create("etl-tcp", 1, true);
            // The connect runs to its end even when the read is cancelled first (a stop before the stream said
            // anything can beat Netty's connect completion while the peer has already accepted): its connection is
            // then closed as soon as it exists. Cancelling the connect itself left that socket open.
            CompletableFuture<Connection> connecting = TcpClient.newConnection() // no pool: dispose means close
                    .runOn(loops)
                    .host(host)
                    .port(port)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                            connectTimeout.toMillis()))
                    .connect()
                    .<Connection>map(c -> c)
                    .toFuture();
            return Mono.fromFuture(connecting, true)
                    .onErrorMap(e -> new IOException("cannot connect to " + host + ":" + port + ": "
                            + (e.getMessage() == null ? e.toString() : e.getMessage()), e))
                    .<SourceReader>flatMap(connection -> read(connection, loops, settings))
                    .doOnError(e -> releaseOnceConnected(connecting, loops))
                    .doOnCancel(() -> releaseOnceConnected(connecting, loops));
        });
    }

    private Mono<SourceReader> read(Connection connection, LoopResources loops, SourceSettings settings) {
        String resource = description();
        LinePump pump = new LinePump(LineFramer.forStream(settings.batchBytes(), settings.maxRecordBytes(),
                settings.metrics(), null, 1), settings.maxRecordBytes(), false, settings.eventLoop(),
                () -> release(connection, loops));
        return pump.open(connection.inbound().receive().asByteArray()
                .map(bytes -> new StreamChunk(bytes, resource, 0, false)));
    }

    /** Closes the connection, once the connect has ended (at once if it has), and its event loop. */
    private static void releaseOnceConnected(CompletableFuture<Connection> connecting, LoopResources loops) {
        connecting.whenComplete((connection, error) -> release(connection, loops));
    }

    /** Closes the connection and its event loop; waits for the thread to end unless called on a non-blocking one. */
    private static void release(Connection connection, LoopResources loops) {
        if (connection != null) {
            connection.dispose();
        }
        Mono<Void> done = loops.disposeLater(LOOP_QUIET_PERIOD, LOOP_SHUTDOWN_TIMEOUT);
        if (Schedulers.isInNonBlockingThread()) {
            done.subscribe(null, e -> { });
        } else {
            done.onErrorResume(e -> Mono.empty()).block(LOOP_SHUTDOWN_TIMEOUT.plusSeconds(1));
        }
    }

    @Override
    public String toString() {
        return "TcpLineSource{" + host + ":" + port + ", connectTimeout=" + connectTimeout + '}';
    }
}
