package dev.hybridetl.io.stream.internal;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.Reject;
import dev.hybridetl.io.internal.BatchEncoder;
import dev.hybridetl.io.internal.Publication;
import dev.hybridetl.io.internal.RejectLines;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a stream's output as numbered part files in a directory: {@code <prefix>-000001<extension>}, then
 * {@code -000002}, ..., each with its dead letters beside it in {@code <prefix>-000001.rejects.<format>} when it has
 * any. The part being written is a hidden temporary file ({@code .<name>.tmp}); a roll forces it to disk, renames it
 * to its final name atomically (rejects first, so a consumer that sees a part sees its rejects) and forces the
 * directory. A consumer that lists {@code <prefix>-*<extension>} sees only complete parts.
 *
 * <p>Numbering continues after the highest part already in the directory, so a stream run started again never
 * overwrites one. Temporary files a dead run left are removed at the start.
 *
 * <p>Blocking: every method does file I/O, on the run's blocking scheduler. Thread-safe (the batches and the roll
 * timer call in from different threads): all methods are synchronized.
 */
public final class RollingWriter {
    private final Path directory;
    private final String prefix;
    private final String extension;
    private final RejectLines.Format rejectsFormat;
    private final long rollBytes;
    private final long rollEveryNanos;
    private final Pattern partName;
    private long nextPart;
    private Part current;
    private long committedParts;
    /** Reused for every batch's lines (see {@link BatchEncoder#lines}); one writer at a time: all synchronized. */
    private ByteBuffer linesBuffer = ByteBuffer.allocateDirect(256 * 1024);

    public RollingWriter(Path directory, String prefix, String extension, RejectLines.Format rejectsFormat,
                         long rollBytes, long rollEveryNanos) throws IOException {
        this.directory = directory;
        this.prefix = prefix;
        this.extension = extension;
        this.rejectsFormat = rejectsFormat;
        this.rollBytes = rollBytes;
        this.rollEveryNanos = rollEveryNanos;
        this.partName = Pattern.compile(Pattern.quote(prefix) + "-(\\d+)" + Pattern.quote(extension));
        Files.createDirectories(directory);
        this.nextPart = scan() + 1;
    }

    /** Removes a dead run's temporary files; returns the highest part number present. */
    private long scan() throws IOException {
        long highest = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.startsWith("." + prefix + "-") && name.endsWith(".tmp")) {
                    Files.deleteIfExists(f);
                }
                Matcher m = partName.matcher(name);
                if (m.matches()) {
                    highest = Math.max(highest, Long.parseLong(m.group(1)));
                }
            }
        }
        return highest;
    }

    /** Appends a batch's records (one line each) and rejects to the open part, then rolls it if it is full. */
    public synchronized void write(RecordBatch batch) throws IOException {
        if (batch.size() == 0 && batch.rejects().isEmpty()) {
            return;
        }
        if (current == null) {
            current = new Part(nextPart++);
        }
        linesBuffer = BatchEncoder.lines(batch, linesBuffer);
        current.records.write(linesBuffer);
        if (!batch.rejects().isEmpty()) {
            current.rejects().write(RejectLines.encode(batch.rejects().toArray(new Reject[0]), rejectsFormat));
        }
        if (current.records.length >= rollBytes) {
            roll();
        }
    }

    /** Rolls the open part if it has been open for the roll interval. */
    public synchronized void rollIfDue() throws IOException {
        if (current != null && System.nanoTime() - current.openedNanos >= rollEveryNanos) {
            roll();
        }
    }

    /** Commits the open part, if any: the end of a stream that ended or was drained. */
    public synchronized void finish() throws IOException {
        if (current != null) {
            roll();
        }
    }

    /** Deletes the open part's temporary files: a failed or cancelled run commits nothing more. */
    public synchronized void abort() {
        if (current != null) {
            current.records.discard();
            if (current.rejects != null) {
                current.rejects.discard();
            }
            current = null;
        }
    }

    /** Parts committed so far. */
    public synchronized long committedParts() {
        return committedParts;
    }

    private void roll() throws IOException {
        Part part = current;
        current = null;
        if (part.rejects != null) {
            part.rejects.commit();
        }
        part.records.commit();
        Publication.forceDirectory(directory); // the renames survive a power loss
        committedParts++;
    }

    private final class Part {
        final long number;
        final long openedNanos = System.nanoTime();
        final Staged records;
        Staged rejects;

        Part(long number) throws IOException {
            this.number = number;
            this.records = new Staged(name(extension));
        }

        Staged rejects() throws IOException {
            if (rejects == null) {
                rejects = new Staged(name(".rejects." + (rejectsFormat == RejectLines.Format.JSONL ? "jsonl" : "tsv")));
            }
            return rejects;
        }

        private Path name(String suffix) {
            return directory.resolve(String.format("%s-%06d%s", prefix, number, suffix));
        }
    }

    /** One file being written under a temporary name. */
    private static final class Staged {
        final Path target;
        final Path temp;
        final FileChannel channel;
        long length;

        Staged(Path target) throws IOException {
            this.target = target;
            this.temp = target.resolveSibling("." + target.getFileName() + ".tmp");
            this.channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        }

        void write(ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                length += channel.write(buffer);
            }
        }

        void commit() throws IOException {
            channel.force(true);
            channel.close();
            Publication.moveReplacing(temp, target);
        }

        void discard() {
            try {
                channel.close();
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // best effort: a leftover temp file is hidden and removed by the next run
            }
        }
    }
}
