package dev.hybridetl.io.internal;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The durable record that ties a source position to committed output: "the temp files hold exactly the output of
 * the input up to {@code next}, in their first {@code outputLength} and {@code rejectsLength} bytes".
 *
 * <p>File: {@code .<output name>.checkpoint} beside the output, a small properties text ending in a SHA-256 of
 * itself. It is replaced whole: written to {@code .<name>.checkpoint.new}, forced, renamed over the old one, and the
 * directory forced, so a crash leaves the old checkpoint or the new one, never a torn one (the self-hash catches a
 * file system that breaks that promise). The data it points to is forced before it is written.
 *
 * @param state {@link State#RUNNING}, or {@link State#PUBLISHING} once every byte is written and the renames have
 *              begun (a run that dies then is finished by the next one, not redone)
 * @param outputTemp the output's temporary file name, beside the output
 * @param outputLength bytes of it that are committed
 * @param rejects where the rejects file is published (absolute, links resolved)
 * @param rejectsTemp its temporary file name, beside it
 * @param rejectsLength bytes of it that are committed
 * @param next where the input continues
 * @param recordsOut records written up to {@code next}
 * @param recordsRejected rejects written up to {@code next}
 * @param input the input's identity, checked before a resume
 * @param job what must be the same for a resume to give the same output (transform, configuration, batch size, ...)
 */
public record Checkpoint(State state, String outputTemp, long outputLength, Path rejects, String rejectsTemp,
                         long rejectsLength, SourcePoint next, long recordsOut, long recordsRejected,
                         InputIdentity input, Map<String, String> job) {
    private static final String FORMAT = "1";
    private static final String CHECK = "check=";

    /** Whether the run was still writing or had begun to publish. */
    public enum State { RUNNING, PUBLISHING }

    public Checkpoint {
        job = Map.copyOf(job);
    }

    /** The checkpoint file of {@code output} (its resolved target path). */
    public static Path fileOf(Path output) {
        return output.resolveSibling("." + output.getFileName() + ".checkpoint");
    }

    /** The name a new checkpoint is written under before it replaces the old one. */
    static Path newFileOf(Path checkpointFile) {
        return checkpointFile.resolveSibling(checkpointFile.getFileName() + ".new");
    }

    Checkpoint with(State newState) {
        return new Checkpoint(newState, outputTemp, outputLength, rejects, rejectsTemp, rejectsLength, next,
                recordsOut, recordsRejected, input, job);
    }

    /**
     * Blocking: replaces {@code file} with this checkpoint (see the class notes).
     *
     * @param durableRename also force the directory, so that the rename itself survives a crash. A periodic
     *     checkpoint does not need that: if the rename is lost, the previous checkpoint is still there, and it still
     *     matches the files (a resume cuts them back further). The "publishing" mark does: the renames it announces
     *     must not survive a crash that the mark did not.
     */
    public void write(Path file, boolean durableRename) throws IOException {
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("state", state.name().toLowerCase(java.util.Locale.ROOT));
        p.setProperty("output.temp", outputTemp);
        p.setProperty("output.length", Long.toString(outputLength));
        p.setProperty("rejects.path", rejects.toString());
        p.setProperty("rejects.temp", rejectsTemp);
        p.setProperty("rejects.length", Long.toString(rejectsLength));
        p.setProperty("source.offset", Long.toString(next.offset()));
        p.setProperty("source.line", Long.toString(next.line()));
        p.setProperty("source.pendingCr", Boolean.toString(next.pendingCr()));
        p.setProperty("source.sequence", Long.toString(next.sequence()));
        p.setProperty("records.out", Long.toString(recordsOut));
        p.setProperty("records.rejected", Long.toString(recordsRejected));
        p.setProperty("input.path", input.path());
        p.setProperty("input.size", Long.toString(input.size()));
        p.setProperty("input.modified", input.modified());
        p.setProperty("input.prefixSha256", input.prefixSha256());
        new TreeMap<>(job).forEach((k, v) -> p.setProperty("job." + k, v));
        StringWriter text = new StringWriter();
        p.store(text, "hybrid-etl checkpoint: where a dead run can be resumed (see docs/decisions/0005-resume.md)");
        String body = text.toString();
        byte[] bytes = (body + CHECK + hash(body) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        Path fresh = newFileOf(file);
        try (FileChannel ch = FileChannel.open(fresh, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            ch.force(true);
        }
        Publication.moveReplacing(fresh, file);
        if (durableRename) {
            Publication.forceDirectory(file.getParent());
        }
    }

    /**
     * Blocking: the checkpoint in {@code file}, or null if there is none.
     *
     * @throws Damaged if it exists but cannot be read back as a whole checkpoint
     */
    public static Checkpoint read(Path file) throws IOException {
        String all;
        try {
            all = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return null;
        }
        int check = all.lastIndexOf(CHECK);
        if (check < 0 || !all.substring(check + CHECK.length()).strip().equals(hash(all.substring(0, check)))) {
            throw new Damaged(file + " is damaged (its checksum does not match)");
        }
        Properties p = new Properties();
        p.load(new StringReader(all.substring(0, check)));
        try {
            if (!FORMAT.equals(p.getProperty("format"))) {
                throw new Damaged(file + " has format " + p.getProperty("format") + ", this version reads " + FORMAT);
            }
            Map<String, String> job = new TreeMap<>();
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith("job.")) {
                    job.put(key.substring(4), p.getProperty(key));
                }
            }
            return new Checkpoint(State.valueOf(required(p, "state").toUpperCase(java.util.Locale.ROOT)),
                    required(p, "output.temp"), number(p, "output.length"), Path.of(required(p, "rejects.path")),
                    required(p, "rejects.temp"), number(p, "rejects.length"),
                    new SourcePoint(number(p, "source.offset"), number(p, "source.line"),
                            Boolean.parseBoolean(required(p, "source.pendingCr")), number(p, "source.sequence")),
                    number(p, "records.out"), number(p, "records.rejected"),
                    new InputIdentity(required(p, "input.path"), number(p, "input.size"),
                            required(p, "input.modified"), required(p, "input.prefixSha256")),
                    job);
        } catch (IllegalArgumentException e) {
            throw new Damaged(file + " is damaged: " + e.getMessage());
        }
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("it has no " + key);
        }
        return v;
    }

    private static long number(Properties p, String key) {
        return Long.parseLong(required(p, key));
    }

    private static String hash(String text) {
        return HexFormat.of().formatHex(InputIdentity.sha256().digest(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** A checkpoint file that exists but cannot be trusted. */
    public static final class Damaged extends IOException {
        private static final long serialVersionUID = 1L;

        Damaged(String message) {
            super(message);
        }
    }
}
