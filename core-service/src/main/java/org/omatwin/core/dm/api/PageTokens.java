package org.omatwin.core.dm.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * Page tokens that carry a position (an offset, or the last entry's place in a log): opaque to callers,
 * tagged with the kind of list, so a token of one list is refused by another with 400 SVC0002 rather
 * than silently starting over.
 */
final class PageTokens {
    private PageTokens() {}

    static String of(String kind, long position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((kind + ":" + position).getBytes(
                StandardCharsets.US_ASCII));
    }

    /** The position a token carries; 0 without one. */
    static long read(String kind, String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
            if (text.startsWith(kind + ":")) {
                long position = Long.parseLong(text.substring(kind.length() + 1));
                if (position >= 0) {
                    return position;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the refusal
        }
        throw ApiException.of(ApiError.INVALID_INPUT, "pageToken is not one this server made", "pageToken");
    }
}
