package dev.hybridetl.io.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What tells a resumed run that its input is the file the earlier run read: size, modification time, and a SHA-256
 * of the first {@value #PREFIX_BYTES} bytes. Cheap (one small read), and it catches the usual accidents: a file
 * replaced by a newer export, appended to, edited, or a different file under the same name. It does not prove that
 * every byte is unchanged; a tool that rewrites the middle of a file and restores its mtime would fool it.
 *
 * @param path where it was read (for messages; not compared: a moved file is still the same input)
 * @param size in bytes
 * @param modified the modification time, as {@code FileTime.toString()} (full precision)
 * @param prefixSha256 hex SHA-256 of the first {@code min(size, PREFIX_BYTES)} bytes
 */
public record InputIdentity(String path, long size, String modified, String prefixSha256) {
    static final int PREFIX_BYTES = 1024 * 1024;

    /** Blocking: stats {@code input} and hashes its first MiB. */
    public static InputIdentity of(Path input) throws IOException {
        BasicFileAttributes a = Files.readAttributes(input, BasicFileAttributes.class);
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(input)) {
            sha.update(in.readNBytes(PREFIX_BYTES));
        }
        return new InputIdentity(input.toAbsolutePath().toString(), a.size(), a.lastModifiedTime().toString(),
                HexFormat.of().formatHex(sha.digest()));
    }

    /** How {@code now} differs from this, in words; null if it is the same input. */
    public String differenceTo(InputIdentity now) {
        if (size != now.size) {
            return "its size changed from " + String.format("%,d", size) + " to " + String.format("%,d", now.size)
                    + " bytes";
        }
        if (!prefixSha256.equals(now.prefixSha256)) {
            return "its first bytes changed";
        }
        if (!modified.equals(now.modified)) {
            return "it was modified at " + now.modified + " (the checkpointed run read it as of " + modified + ")";
        }
        return null;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
