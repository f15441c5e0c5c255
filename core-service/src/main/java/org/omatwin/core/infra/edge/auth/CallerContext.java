package org.omatwin.core.infra.edge.auth;

import io.grpc.Context;
import java.util.Optional;

/**
 * The one place where the authenticated caller reaches a service: the edge's interceptor stores it in
 * the call's context, services read it here and never parse a header themselves.
 */
public final class CallerContext {
    public static final Context.Key<Caller> CALLER = Context.key("caller");

    private CallerContext() {}

    /** The authenticated caller of the current call, if the edge authenticated one. */
    public static Optional<Caller> current() {
        return Optional.ofNullable(CALLER.get());
    }
}
