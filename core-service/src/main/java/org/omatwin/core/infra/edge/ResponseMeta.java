package org.omatwin.core.infra.edge;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * What a successful call tells the REST edges besides its body: the HTTP status of a create (201, or
 * 200 when an idempotent repeat found the resource) and its Location. A service says so before it
 * answers ({@link #created}, {@link #existing}); this interceptor sends it as the response headers
 * {@code x-oma-http-status} and {@code x-oma-location}, which the embedded edge ({@code RestEdge}) and
 * Envoy's Lua filter turn into the status and {@code Location} (and never pass on). No body is parsed
 * again to find them.
 */
public final class ResponseMeta implements ServerInterceptor {
    public static final Metadata.Key<String> HTTP_STATUS = ApiErrors.HTTP_STATUS;
    public static final Metadata.Key<String> LOCATION =
            Metadata.Key.of("x-oma-location", Metadata.ASCII_STRING_MARSHALLER);

    private static final Context.Key<Metadata> PENDING = Context.key("oma-response-meta");

    /** A resource was created at {@code location}: 201 + Location. */
    public static void created(String location) {
        set(201, location);
    }

    /** An idempotent repeat found the resource made before: 200 + Location. */
    public static void existing(String location) {
        set(200, location);
    }

    private static void set(int status, String location) {
        Metadata pending = PENDING.get();
        if (pending == null) {
            return; // called outside the edge (in-process tests): nothing to tell
        }
        pending.discardAll(HTTP_STATUS);
        pending.discardAll(LOCATION);
        pending.put(HTTP_STATUS, Integer.toString(status));
        if (location != null && !location.isEmpty()) {
            pending.put(LOCATION, location);
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        Metadata pending = new Metadata();
        ServerCall<Q, R> withMeta = new SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
                responseHeaders.merge(pending);
                super.sendHeaders(responseHeaders);
            }
        };
        return Contexts.interceptCall(Context.current().withValue(PENDING, pending), withMeta, headers, next);
    }
}
