package org.omatwin.core.dm.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.time.Duration;
import java.util.Set;
import org.omatwin.core.dm.policy.ClientPolicy;
import org.omatwin.core.infra.edge.RateLimits;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-client policy at the edge of DMWSI (dm-api.md section 6), after authentication and the
 * scope check: a client without a policy reaches nothing (403 POL0001; discovery stays open to it),
 * a client over its request rate gets 429 POL2005 with Retry-After, and every other call runs with
 * its {@link ClientAccess}. Pseudonyms shown in an answer are kept before the answer is sent.
 */
public final class DmwsiAccessInterceptor implements ServerInterceptor {
    private static final Logger AUDIT = LoggerFactory.getLogger("audit");
    /** Methods a client without a policy may call: they show nothing about devices. */
    private static final Set<String> OPEN = Set.of("GetDiscovery");

    private final DmwsiPolicies policies;
    private final RateLimits rates = new RateLimits();

    public DmwsiAccessInterceptor(DmwsiPolicies policies) {
        this.policies = policies;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        String clientId = DmwsiCallers.clientId();
        if (OPEN.contains(call.getMethodDescriptor().getBareMethodName())) {
            return next.startCall(call, headers);
        }
        ClientAccess access = admit(clientId, method);
        ServerCall<Q, R> flushing = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendMessage(R message) {
                access.flush();
                super.sendMessage(message);
            }
        };
        Context ctx = Context.current().withValue(ClientAccess.CURRENT, access);
        return Contexts.interceptCall(ctx, flushing, headers, next);
    }

    /**
     * The client's access for one call of {@code method}: its policy (none: 403 POL0001) and its request
     * rate (over: 429 POL2005). Also what the plain HTTP resource of DMWSI (a package's content) applies.
     */
    public ClientAccess admit(String clientId, String method) {
        ClientAccess access = policies.access(clientId).orElseThrow(() -> {
            AUDIT.info("policy refused: method={} subject={} reason=no policy", method, clientId);
            return ApiException.of(ApiError.POLICY_LIMIT, "no policy of this operator grants client " + clientId
                    + " access to devices", "policy");
        });
        ClientPolicy policy = access.policy();
        Duration wait = rates.take(clientId, policy.requestsPerSecond(), policy.burst());
        if (!wait.isZero()) {
            throw ApiException.rateLimited("more than " + policy.requestsPerSecond()
                    + " requests per second from this client", wait, "requestsPerSecond");
        }
        return access;
    }

    /** The one client of development (no authorization server): every DMWSI caller is it. */
    public static String developmentClient() {
        return DmwsiCallers.DEVELOPMENT_CLIENT;
    }
}
