package org.omatwin.core.twinning.activation;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Six-digit activation codes (HLF-SD-003) from a CSPRNG. Only a keyed hash (HMAC-SHA-256 with an
 * operator secret) is ever stored: with a million possible codes a plain hash would be reversed by
 * trying them all, a keyed one cannot be without the key.
 *
 * <p>A pending code is also kept sealed (AES-256-GCM under a key derived from the same secret, bound
 * to the code's hash), so that a secondary's retried create with the same clientCorrelator gets the
 * same code back (contract: the existing resource). It adds nothing to what the secret already
 * opens: whoever holds the secret reverses any stored hash by trying the million codes anyway.
 */
public final class ActivationCodes {
    private static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");
    private static final int MIN_KEY_BYTES = 32;

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random;
    private final byte[] key;
    private final SecretKeySpec sealKey;

    public ActivationCodes(byte[] hashKey) {
        this(hashKey, new SecureRandom());
    }

    ActivationCodes(byte[] hashKey, SecureRandom random) {
        if (hashKey == null || hashKey.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the code hash key must have at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = hashKey.clone();
        this.random = random;
        // a key of its own for sealing (HMAC of a label), never the hash key itself
        this.sealKey = new SecretKeySpec(hmac("activation-code-seal-v1"), "AES");
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
        return HexFormat.of().formatHex(hmac(code));
    }

    private byte[] hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The code encrypted and authenticated, bound to {@code hash} (base64url of IV + ciphertext + tag). */
    public String seal(String code, String hash) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, sealKey, new GCMParameterSpec(TAG_BITS, iv));
            gcm.updateAAD(hash.getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = gcm.doFinal(code.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM unavailable", e);
        }
    }

    /** The sealed code, or empty if it does not open under this key for this hash (a changed secret). */
    public Optional<String> unseal(String sealed, String hash) {
        try {
            byte[] in = Base64.getUrlDecoder().decode(sealed);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, sealKey, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            gcm.updateAAD(hash.getBytes(StandardCharsets.US_ASCII));
            return Optional.of(new String(gcm.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
