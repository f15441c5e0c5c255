package org.omatwin.core.dm.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * The package store (section 8): a directory shared by every core instance, each content kept once
 * under its SHA-256. An upload is streamed to a temporary file of the same directory (hashed and
 * counted on the way, never whole in memory) and only moved under its name, atomically, once it was
 * verified; a rejected, oversized or interrupted upload leaves nothing behind.
 */
public final class PackageContent {
    private static final int BUFFER = 64 * 1024;

    private final Path dir;
    private final Path incoming;
    private final long maxBytes;

    /** @param maxBytes the largest content accepted (TWIN_DM_PACKAGE_MAX_BYTES) */
    public PackageContent(Path dir, long maxBytes) {
        this.dir = dir;
        this.incoming = dir.resolve(".incoming");
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(incoming);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the package store " + dir, e);
        }
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Content received but not yet kept: a temporary file, its size and SHA-256 (hex). */
    public record Received(Path file, long size, String sha256) {}

    /**
     * Streams {@code in} to a temporary file. Over {@link #maxBytes}: 413 SVC0002; a stream that fails
     * (the client went away): 400 SVC0002 (content). Either way the temporary file is gone.
     */
    public Received receive(InputStream in) {
        Path temp;
        try {
            temp = Files.createTempFile(incoming, "upload-", ".part");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the package store", e);
        }
        try (OutputStream out = Files.newOutputStream(temp)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[BUFFER];
            long size = 0;
            int n;
            while ((n = in.read(buffer)) != -1) {
                size += n;
                if (size > maxBytes) {
                    throw ApiException.of(ApiError.TOO_LARGE, "the content is larger than " + maxBytes + " bytes",
                            "content");
                }
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
            out.flush();
            return new Received(temp, size, HexFormat.of().formatHex(digest.digest()));
        } catch (ApiException e) {
            delete(temp);
            throw e;
        } catch (IOException | RuntimeException e) {
            delete(temp);
            throw ApiException.of(ApiError.INVALID_INPUT, "the upload did not complete; nothing was kept", "content");
        } catch (NoSuchAlgorithmException e) {
            delete(temp);
            throw new IllegalStateException(e);
        }
    }

    /** Keeps verified content under its SHA-256 (atomically; the same content twice is kept once). */
    public void keep(Received received) {
        Path target = path(received.sha256());
        try {
            Files.move(received.file(), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            delete(received.file());
        } catch (AtomicMoveNotSupportedException e) {
            delete(received.file());
            throw new IllegalStateException("the package store " + dir + " cannot move files atomically", e);
        } catch (IOException e) {
            if (Files.exists(target)) { // another instance kept the same content first
                delete(received.file());
                return;
            }
            delete(received.file());
            throw new UncheckedIOException("cannot keep the package content", e);
        }
    }

    /** Drops received content (rejected). */
    public void discard(Received received) {
        delete(received.file());
    }

    /** Where the content with this SHA-256 is kept. */
    public Path path(String sha256) {
        if (sha256.length() != 64 || !sha256.chars().allMatch(HexFormat::isHexDigit)) {
            throw new IllegalArgumentException("not a SHA-256");
        }
        return dir.resolve(sha256);
    }

    /** Removes kept content (its last package was deleted). */
    public void remove(String sha256) {
        delete(path(sha256));
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover temporary file is harmless: it is never offered, and the directory is ours
        }
    }
}
