package org.omatwin.core.twinning.api;

import org.omatwin.core.infra.edge.auth.Caller;
import org.omatwin.core.infra.edge.auth.CallerContext;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.twinning.DeviceAddress;

/**
 * DEVELOPMENT ONLY (TWIN_AUTH_MODE=dev, no authorization server): the caller names its device in the {@code X-Dev-Device-Address}
 * header (REST) or metadata (gRPC), and nothing checks it. Without the header the path's {userId} is
 * trusted. Never expose a core running with this interceptor beyond a developer's machine
 * ({@code TWIN_BIND_ADDRESS} defaults to 127.0.0.1 for that reason).
 */
public final class DevCallerInterceptor implements ServerInterceptor {
    public static final String HEADER = "x-dev-device-address";
    private static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);

    private final boolean readHeader;

    /** @param readHeader false: the header is ignored and the path's user is always trusted */
    public DevCallerInterceptor(boolean readHeader) {
        this.readHeader = readHeader;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String value = readHeader ? headers.get(KEY) : null;
        if (value == null) {
            return next.startCall(call, headers);
        }
        if (!DeviceAddress.isValid(value)) {
            throw ApiException.of(ApiError.UNAUTHENTICATED, "the " + HEADER + " header is not a valid device address",
                    HEADER);
        }
        Context ctx = Context.current().withValue(CallerContext.CALLER, Caller.named(value));
        return Contexts.interceptCall(ctx, call, headers, next);
    }
}
