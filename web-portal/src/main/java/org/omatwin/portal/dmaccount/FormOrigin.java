package org.omatwin.portal.dmaccount;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The Origin check of every form post (dm-api.md section 3), beside the session-bound anti-forgery
 * token: a post whose {@code Origin} is absent or is not the portal's own origin is refused. The
 * portal's public origins are TWIN_PORTAL_URL (behind Envoy, the public one); unset, the origin the
 * request itself names (scheme and Host).
 */
@Component
class FormOrigin {
    private final List<String> configured;

    FormOrigin(@Value("${twin.portal.public-urls:}") String urls) {
        this.configured = Arrays.stream(urls.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
    }

    boolean accepts(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null || origin.isBlank() || origin.equals("null")) {
            return false;
        }
        if (!configured.isEmpty()) {
            return configured.contains(origin);
        }
        String host = request.getHeader("Host");
        return host != null && origin.equalsIgnoreCase(request.getScheme() + "://" + host);
    }
}
