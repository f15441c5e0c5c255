package org.omatwin.core.twinning.activation;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Six-digit activation codes (HLF-SD-003) from a CSPRNG. Only a keyed hash (HMAC-SHA-256 with an
 * operator secret) is ever stored: with a million possible codes a plain hash would be reversed by
 * trying them all, a keyed one cannot be without the key.
 */
public final class ActivationCodes {
    private static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");
    private static final int MIN_KEY_BYTES = 32;

    private final SecureRandom random;
    private final byte[] key;

    public ActivationCodes(byte[] hashKey) {
        this(hashKey, new SecureRandom());
    }

    ActivationCodes(byte[] hashKey, SecureRandom random) {
        if (hashKey == null || hashKey.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the code hash key must have at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = hashKey.clone();
        this.random = random;
    }

    /** A fresh code, uniformly distributed over 000000-999999. */
    public String generate() {
        return String.format("%06d", random.nextInt(1_000_000));
    }

    public static boolean isWellFormed(String code) {
        return code != null && SIX_DIGITS.matcher(code).matches();
    }

    /** Hex HMAC-SHA-256 of the code under the operator's key. */
    public String hash(String code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(code.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
