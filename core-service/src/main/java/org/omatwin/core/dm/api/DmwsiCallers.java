package org.omatwin.core.dm.api;

import org.omatwin.core.infra.edge.auth.Caller;
import org.omatwin.core.infra.edge.auth.CallerContext;

/** Who calls DMWSI: the authenticated OAuth client. */
final class DmwsiCallers {
    /** In development (no tokens) every caller is this one client. */
    static final String DEVELOPMENT_CLIENT = "development";

    private DmwsiCallers() {}

    static String clientId() {
        return CallerContext.current().map(Caller::subject).orElse(DEVELOPMENT_CLIENT);
    }
}
