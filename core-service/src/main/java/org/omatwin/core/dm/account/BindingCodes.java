package org.omatwin.core.dm.account;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.omatwin.core.dm.data.DataItem;
import org.omatwin.core.dm.data.DataUseCases;

/**
 * The one-time codes that prove a registration (section 3: six digits, ten minutes, attempts limited).
 * The code a SHOW displays is derived under the operator key from its data item's random id when the
 * device fetches the page, and the registration keeps only an HMAC-SHA-256 of it: the database alone
 * never reveals a code, and nothing logs one.
 */
public final class BindingCodes implements DataUseCases.CodePages {
    private final SecretKeySpec key;

    public BindingCodes(byte[] operatorKey) {
        this.key = new SecretKeySpec(operatorKey.clone(), "HmacSHA256");
    }

    /** The six digits shown for the SHOW item {@code itemId}. */
    String code(String itemId) {
        byte[] mac = mac("dm-binding-code|" + itemId);
        long n = ((mac[0] & 0xffL) << 32) | ((mac[1] & 0xffL) << 24) | ((mac[2] & 0xffL) << 16)
                | ((mac[3] & 0xffL) << 8) | (mac[4] & 0xffL);
        return String.format("%06d", n % 1_000_000);
    }

    /** What a registration stores of its code: bound to the account and the device. */
    String hash(String subscriberId, String devId, String code) {
        return HexFormat.of().formatHex(mac("dm-binding-hash|" + subscriberId + "|" + devId + "|" + code));
    }

    boolean matches(String storedHash, String subscriberId, String devId, String code) {
        return storedHash != null && MessageDigest.isEqual(storedHash.getBytes(StandardCharsets.US_ASCII),
                hash(subscriberId, devId, code).getBytes(StandardCharsets.US_ASCII));
    }

    /** The page the device's browser component opens (SHOW): the code, nothing else about the account. */
    @Override
    public byte[] render(DataItem item) {
        String code = code(item.itemId());
        return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Confirm this device</title>"
                + "<meta name=\"viewport\" content=\"width=device-width\"></head><body>"
                + "<p>To confirm this device, enter this code where you registered it:</p>"
                + "<p><strong id=\"code\">" + code + "</strong></p><p>It is valid for 10 minutes.</p></body></html>")
                .getBytes(StandardCharsets.UTF_8);
    }

    private byte[] mac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
