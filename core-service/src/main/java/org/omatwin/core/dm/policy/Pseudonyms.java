package org.omatwin.core.dm.policy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pseudonyms (OES6, dm-api.md section 6): what a pseudonymous client sees instead of a devId, a line
 * or a subscriber id, {@code pid:} and an HMAC-SHA-256 (the JDK's) of the identifier under that
 * client's own key, itself an HMAC of the client id under the operator's key. The same identifier
 * has a different pseudonym for each client, so two clients cannot join what they know; without the
 * operator's key nobody can compute or invert one. The server keeps each pseudonym it gives out
 * ({@link PseudonymStore}) to accept it back as a deviceRef.
 */
public final class Pseudonyms {
    public static final String PREFIX = "pid:";
    private static final int BYTES = 16; // 128 bits: no collision in any fleet

    /** What a pseudonym stands for. */
    public enum Kind { DEVICE, LINE, SUBSCRIBER }

    /** A pseudonym given to a client, and the identifier it stands for. */
    public record Pseudonym(String pid, Kind kind, String value) {}

    private final byte[] operatorKey;
    private final Map<String, byte[]> clientKeys = new ConcurrentHashMap<>();

    /** @param operatorKey the operator's secret (TWIN_DM_PSEUDONYM_KEY), at least 32 bytes */
    public Pseudonyms(byte[] operatorKey) {
        if (operatorKey.length < 32) {
            throw new IllegalArgumentException("the pseudonym key has at least 32 bytes");
        }
        this.operatorKey = operatorKey.clone();
    }

    public Pseudonym of(String clientId, Kind kind, String value) {
        byte[] key = clientKeys.computeIfAbsent(clientId, id -> hmac(operatorKey, "dmwsi-client:" + id));
        byte[] mac = Arrays.copyOf(hmac(key, kind.name() + ":" + value), BYTES);
        return new Pseudonym(PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(mac), kind, value);
    }

    public static boolean isPseudonym(String ref) {
        return ref.startsWith(PREFIX);
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
