package org.omatwin.core.dm.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * The page token of a device list: opaque to callers, it names the last devId of the page (the list is
 * ordered by devId, so a page never repeats or skips a device added meanwhile) and a digest of the
 * filter it belongs to. A token that is not one this server made, or that belongs to another filter,
 * is refused with 400 SVC0002 rather than silently starting another list.
 */
final class DevicePageToken {
    private static final String VERSION = "d1";
    private static final int DIGEST_BYTES = 12;

    private DevicePageToken() {}

    /** @param last the last device of the page as the client sees it (its devId, or its pseudonym) */
    static String of(String last, String filter) {
        byte[] digest = digest(filter);
        byte[] devId = last.getBytes(StandardCharsets.UTF_8);
        byte[] token = new byte[VERSION.length() + DIGEST_BYTES + devId.length];
        System.arraycopy(VERSION.getBytes(StandardCharsets.US_ASCII), 0, token, 0, VERSION.length());
        System.arraycopy(digest, 0, token, VERSION.length(), DIGEST_BYTES);
        System.arraycopy(devId, 0, token, VERSION.length() + DIGEST_BYTES, devId.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /** The device (devId or pseudonym) the next page starts after; null for the first page. */
    static String after(String token, String filter) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw invalid("pageToken is not one this server made");
        }
        int head = VERSION.length() + DIGEST_BYTES;
        if (bytes.length <= head || !new String(bytes, 0, VERSION.length(), StandardCharsets.US_ASCII).equals(VERSION)) {
            throw invalid("pageToken is not one this server made");
        }
        if (!MessageDigest.isEqual(Arrays.copyOfRange(bytes, VERSION.length(), head),
                Arrays.copyOf(digest(filter), DIGEST_BYTES))) {
            throw invalid("pageToken belongs to another filter: repeat the filter of the first page");
        }
        String last = new String(bytes, head, bytes.length - head, StandardCharsets.UTF_8);
        try {
            if (!last.startsWith("pid:")) {
                DevId.of(last);
            }
            return last;
        } catch (ApiException e) {
            throw invalid("pageToken is not one this server made");
        }
    }

    private static ApiException invalid(String text) {
        return ApiException.of(ApiError.INVALID_INPUT, text, "pageToken");
    }

    private static byte[] digest(String filter) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(filter.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
