package org.omatwin.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.UUID;

/**
 * The token signing key, kept in the data directory (owner-only) so that tokens stay valid across
 * restarts; generated once on first start.
 */
final class SigningKeys {
    private SigningKeys() {}

    static JWKSet loadOrCreate(Path dir) throws IOException {
        Path file = dir.resolve("signing-keys.json");
        try {
            if (Files.exists(file)) {
                return JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8));
            }
            RSAKey key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID(UUID.randomUUID().toString())
                    .generate();
            JWKSet set = new JWKSet(key);
            Files.createDirectories(dir);
            Path tmp = dir.resolve("signing-keys.json.tmp");
            Files.writeString(tmp, set.toString(false), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return set;
        } catch (ParseException | JOSEException e) {
            throw new IOException("cannot read or create the signing key in " + file, e);
        }
    }
}
