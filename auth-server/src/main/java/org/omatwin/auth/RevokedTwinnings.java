package org.omatwin.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * HLF-TE-004: the twinnings the core has deactivated. Every token bound to one of them (a twinning
 * token's or an authCode's {@code twinning_id}) introspects as inactive and no new one is issued. Kept
 * in the data directory beside the signing key, one id per line, appended and forced to disk before the
 * core is told it is done, so a restart does not bring them back.
 */
final class RevokedTwinnings {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Path file;
    private final Set<String> ids = ConcurrentHashMap.newKeySet();

    RevokedTwinnings(Path dataDir) {
        this.file = dataDir.resolve("revoked-twinnings.txt");
        try {
            Files.createDirectories(dataDir);
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (ID.matcher(line.strip()).matches()) {
                        ids.add(line.strip());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    boolean isRevoked(Object twinningId) {
        return twinningId != null && ids.contains(String.valueOf(twinningId));
    }

    /** Idempotent; returns once the id is on disk. */
    synchronized void revoke(String twinningId) throws IOException {
        if (!ID.matcher(twinningId).matches()) {
            throw new IllegalArgumentException("not a twinning id");
        }
        if (ids.contains(twinningId)) {
            return;
        }
        boolean created = !Files.exists(file);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE)) {
            out.write(java.nio.ByteBuffer.wrap((twinningId + "\n").getBytes(StandardCharsets.UTF_8)));
            out.force(true);
        }
        if (created) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        ids.add(twinningId);
    }
}
