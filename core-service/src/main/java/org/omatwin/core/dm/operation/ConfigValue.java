package org.omatwin.core.dm.operation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** One value of a {@code configure} operation; may be a secret, so it never appears in logs. */
public record ConfigValue(String uri, String value, String format) {

    private static final String DIGEST = "sha256:";

    /**
     * The value as kept with the operation once its data item holds the real one: a SHA-256 digest, so
     * that a clientCorrelator retry with the same body is still recognised, while the value itself
     * leaves the server with its data item when the operation ends (2.3).
     */
    public ConfigValue withoutSecret() {
        if (value == null || value.startsWith(DIGEST)) {
            return this;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return new ConfigValue(uri, DIGEST + HexFormat.of().formatHex(hash), format);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ConfigValue[" + uri + ", " + format + "]";
    }
}
