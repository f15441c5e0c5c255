package org.omatwin.core.twinning.portal;

import org.omatwin.core.infra.edge.auth.Caller;
import org.omatwin.core.infra.edge.auth.CallerContext;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/** The subscriber of the current portal call: the subject of its token, authenticated at the edge. */
final class Subscribers {
    private Subscribers() {}

    static String current() {
        return CallerContext.current().map(Caller::subject).orElseThrow(() -> ApiException.of(ApiError.UNAUTHENTICATED,
                "a subscriber access token is required", "Authorization"));
    }
}
