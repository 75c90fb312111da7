package dev.hybridetl.io;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.SourceReader;
import dev.hybridetl.io.stream.RollingFileSink;
import dev.hybridetl.io.stream.TcpLineSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockHound;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The stream classes on their own, against a real socket on 127.0.0.1 and real files, with BlockHound policing the
 * event loops (the run's and Netty's): line framing of a TCP stream (CRLF, a byte at a time, a partial line at a
 * stop, the peer closing), connection errors, and the rolling sink's parts (by size, by time, rejects beside their
 * part, nothing visible under a final name until complete, numbering that continues).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamSourcesTest {
    private static final int BIG = 1 << 20;

    @TempDir
    Path dir;

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install();
    }

    /** Serves {@code bytes} to one client, one byte per write, then keeps the connection open or closes it. */
    private static CompletableFuture<Void> serveBytes(ServerSocket server, byte[] bytes, boolean closeAfter) {
        return CompletableFuture.runAsync(() -> {
            try (Socket s = server.accept()) {
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                for (byte b : bytes) {
                    out.write(b);
                    out.flush();
                }
                if (!closeAfter) {
                    while (s.getInputStream().read() >= 0) {
                        // until the reader closes the connection
                    }
                }
            } catch (IOException e) {
                // the reader closed the connection
            }
        });
    }

    private static List<String> records(List<RecordBatch> batches) {
        List<String> out = new ArrayList<>();
        for (RecordBatch b : batches) {
            for (int i = 0; i < b.size(); i++) {
                out.add(b.position(i) + ":" + new String(b.recordCopy(i), StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    @Test
    void shouldFrameLinesSentAByteAtATimeAndLeaveThePartialLineUnreadWhenStopped() throws Exception {
        try (TestRuns runs = new TestRuns();
             ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> serving = serveBytes(server,
                    "h1,h2\r\nab\r\ncd\n\nef\rgh,partial".getBytes(StandardCharsets.US_ASCII), false);
            SourceReader reader = TcpLineSource.of("127.0.0.1", server.getLocalPort())
                    .open(runs.sourceSettings(4096, BIG)).block(TestRuns.TIMEOUT);
            try {
                assertThat(reader.header()).isEqualTo("h1,h2");
                assertThat(reader.unbounded()).isTrue();
                List<RecordBatch> got = Collections.synchronizedList(new ArrayList<>());
                CompletableFuture<Void> done = new CompletableFuture<>();
                reader.batches().subscribe(got::add, done::completeExceptionally, () -> done.complete(null));
                TestRuns.await("the whole lines", TestRuns.TIMEOUT, () -> records(got).size() == 4);
                assertThat(reader.stop()).isTrue();
                done.get(TestRuns.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertThat(records(got)).containsExactly("2:ab", "3:cd", "4:", "5:ef");
                assertThat(reader.position()).isEmpty();
            } finally {
                reader.close();
            }
            serving.get(TestRuns.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldEndWithTheLastLineWhenThePeerClosesTheConnection() throws Exception {
        try (TestRuns runs = new TestRuns();
             ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serveBytes(server, "h\nx\ny".getBytes(StandardCharsets.US_ASCII), true);
            SourceReader reader = TcpLineSource.parse("127.0.0.1:" + server.getLocalPort())
                    .open(runs.sourceSettings(4096, BIG)).block(TestRuns.TIMEOUT);
            try {
                List<RecordBatch> batches = reader.batches().collectList().block(TestRuns.TIMEOUT);
                assertThat(records(batches)).containsExactly("2:x", "3:y");
            } finally {
                reader.close();
            }
        }
    }

    @Test
    void shouldNameTheAddressWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (TestRuns runs = new TestRuns()) {
            assertThatThrownBy(() -> TcpLineSource.of("127.0.0.1", port).open(runs.sourceSettings(4096, BIG))
                    .block(TestRuns.TIMEOUT))
                    .hasMessageContaining("cannot connect to 127.0.0.1:" + port);
        }
    }

    @Test
    void shouldRejectAMalformedAddress() {
        assertThatThrownBy(() -> TcpLineSource.parse("localhost")).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> TcpLineSource.parse("localhost:99999")).hasMessageContaining("65535");
    }

    private static RecordBatch batch(long sequence, int records, boolean withReject) {
        var b = RecordBatch.builder(sequence);
        for (int i = 0; i < records; i++) {
            b.add(sequence * 1000 + i, "record-" + sequence + "-" + i);
        }
        if (withReject) {
            b.reject(sequence * 1000 + 999, "bad_field", "raw".getBytes(StandardCharsets.US_ASCII), 0, 3);
        }
        return b.build();
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("parts"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void shouldRollBySizeWithRejectsBesideTheirPartAndContinueNumbering() throws Exception {
        RollingFileSink sink = RollingFileSink.of(dir.resolve("parts")).withRollBytes(100);
        try (TestRuns runs = new TestRuns()) {
            // 10 records of ~12 bytes per batch: each batch passes 100 bytes and rolls its part.
            sink.write(Flux.just(batch(0, 10, false), batch(1, 10, true), batch(2, 1, false)), runs.sinkSettings())
                    .block(TestRuns.TIMEOUT);
            assertThat(names()).containsExactly("part-000001.jsonl", "part-000002.jsonl",
                    "part-000002.rejects.tsv", "part-000003.jsonl");
            assertThat(Files.readAllLines(dir.resolve("parts/part-000002.jsonl"))).hasSize(10)
                    .startsWith("record-1-0");
            assertThat(Files.readString(dir.resolve("parts/part-000002.rejects.tsv"))).isEqualTo("bad_field\traw\n");

            sink.write(Flux.just(batch(0, 1, false)), runs.sinkSettings()).block(TestRuns.TIMEOUT);
            assertThat(names()).contains("part-000004.jsonl").hasSize(5);
        }
    }

    @Test
    void shouldRollByTimeWhileTheStreamIsQuietAndDropOnlyTheOpenPartWhenCancelled() throws Exception {
        RollingFileSink sink = RollingFileSink.of(dir.resolve("parts")).withRollEvery(Duration.ofMillis(50));
        try (TestRuns runs = new TestRuns()) {
            Flux<RecordBatch> quiet = Flux.just(batch(0, 3, false)).concatWith(Flux.never());
            Disposable writing = sink.write(quiet, runs.sinkSettings()).subscribe();
            TestRuns.await("a part rolled by time", TestRuns.TIMEOUT, () -> {
                try {
                    return names().contains("part-000001.jsonl");
                } catch (IOException e) {
                    return false;
                }
            });
            assertThat(Files.readAllLines(dir.resolve("parts/part-000001.jsonl")))
                    .containsExactly("record-0-0", "record-0-1", "record-0-2");
            writing.dispose();
        }
        assertThat(names()).containsExactly("part-000001.jsonl");
    }

    @Test
    void shouldLeaveNoPartialFileWhenTheRunFails() throws Exception {
        RollingFileSink sink = RollingFileSink.of(dir.resolve("parts"));
        try (TestRuns runs = new TestRuns()) {
            Flux<RecordBatch> failing = Flux.just(batch(0, 3, false))
                    .concatWith(Flux.error(new IllegalStateException("boom")));
            assertThatThrownBy(() -> sink.write(failing, runs.sinkSettings()).block(TestRuns.TIMEOUT))
                    .hasMessageContaining("boom");
        }
        TestRuns.await("the open part removed", TestRuns.TIMEOUT, () -> {
            try {
                return names().isEmpty();
            } catch (IOException e) {
                return false;
            }
        });
    }
}
