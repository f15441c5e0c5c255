package org.omatwin.core.infra.edge.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.ArrayList;
import java.util.List;

/**
 * Authorization at the edge of one gRPC API, for gRPC and REST alike (the embedded REST edge runs the
 * same interceptors): the {@link BearerAuthenticator} with the scopes the RPC declares in the contract
 * ({@link AccessRules}); the caller then reaches the service through {@link CallerContext}.
 */
public final class BearerAuthInterceptor implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final BearerAuthenticator authenticator;
    private final AccessRules access;

    public BearerAuthInterceptor(BearerAuthenticator authenticator, AccessRules access) {
        this.authenticator = authenticator;
        this.access = access;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        Iterable<String> values = headers.getAll(AUTHORIZATION);
        List<String> authorization = new ArrayList<>();
        if (values != null) {
            values.forEach(authorization::add);
        }
        Caller caller = authenticator.authenticate(authorization, access.scopesFor(method), method);
        Context ctx = Context.current().withValue(CallerContext.CALLER, caller);
        return Contexts.interceptCall(ctx, call, headers, next);
    }
}
