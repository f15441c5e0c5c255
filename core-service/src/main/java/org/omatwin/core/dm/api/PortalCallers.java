package org.omatwin.core.dm.api;

import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.infra.edge.auth.Caller;
import org.omatwin.core.infra.edge.auth.CallerContext;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/** What the portal's services read from a call: the subscriber of the token, and a devId of theirs. */
final class PortalCallers {
    private PortalCallers() {}

    static String subscriber() {
        return CallerContext.current().map(Caller::subject).orElseThrow(() -> ApiException.of(
                ApiError.UNAUTHENTICATED, "a subscriber access token is required", "Authorization"));
    }

    /** A devId that does not parse names no device of the subscriber: 404 as for an unknown one ({@code whose}). */
    static DevId devId(String text, String whose) {
        try {
            return DevId.of(text);
        } catch (ApiException e) {
            throw ApiException.of(ApiError.NOT_FOUND, "no device " + text + " " + whose, "devId");
        }
    }
}
