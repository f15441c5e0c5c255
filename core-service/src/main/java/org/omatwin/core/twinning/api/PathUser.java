package org.omatwin.core.twinning.api;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.atomic.AtomicReference;
import org.omatwin.core.infra.edge.auth.Caller;
import org.omatwin.core.infra.edge.auth.CallerContext;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.twinning.DeviceAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {userId} of every twinning path, resolved once at the edge: "acr:auth" is the authenticated
 * device; any other value must be a valid address and, when a device is authenticated, that very
 * device (POL2003). An interceptor reads the request's {@code user_id} and runs the call with the
 * resolved device; RPCs read it with {@link #current()}.
 */
public final class PathUser implements ServerInterceptor {
    private static final Context.Key<DeviceAddress> USER = Context.key("twinning-path-user");
    /** The same audit log as the token and scope refusals (BearerAuthenticator). */
    private static final Logger AUDIT = LoggerFactory.getLogger("audit");

    /** The device the current call acts for (set by this interceptor only). */
    public static DeviceAddress current() {
        DeviceAddress user = USER.get();
        if (user == null) {
            throw new IllegalStateException("the call was not resolved by PathUser");
        }
        return user;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        AtomicReference<Context> resolved = new AtomicReference<>(Context.current());
        AtomicReference<RuntimeException> refused = new AtomicReference<>();
        String method = call.getMethodDescriptor().getFullMethodName();
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        return new SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                if (message instanceof Message m) {
                    FieldDescriptor f = m.getDescriptorForType().findFieldByName("user_id");
                    if (f != null) {
                        try {
                            resolved.set(Context.current().withValue(USER, resolve((String) m.getField(f), method)));
                        } catch (RuntimeException e) {
                            // refused where the RPC would have run, like any other refusal of the RPC
                            refused.set(e);
                            return;
                        }
                    }
                }
                resolved.get().run(() -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                if (refused.get() != null) {
                    throw refused.get();
                }
                // unary and server-streaming handlers run the RPC here, with the message received
                resolved.get().run(super::onHalfClose);
            }
        };
    }

    static DeviceAddress resolve(String pathUserId, String method) {
        DeviceAddress authenticated = CallerContext.current().map(Caller::subject).map(DeviceAddress::new)
                .orElse(null);
        if (pathUserId == null || pathUserId.isEmpty()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "the user address is missing from the path", "userId");
        }
        if (DeviceAddress.ACR_AUTH.equals(pathUserId)) {
            if (authenticated == null) {
                throw ApiException.of(ApiError.UNAUTHENTICATED, "acr:auth needs an authenticated device", "acr:auth");
            }
            return authenticated;
        }
        DeviceAddress user = DeviceAddress.parse(pathUserId, "userId");
        if (authenticated != null && !authenticated.equals(user)) {
            // a device probing another device's path: audited like a missing scope (never the token)
            AUDIT.info("authorization refused: method={} subject={} reason=path user {} is not the caller's device",
                    method, authenticated.value(), user.value());
            throw ApiException.of(ApiError.NOT_PERMITTED, "the caller may act only for its own device", "userId");
        }
        return user;
    }
}
