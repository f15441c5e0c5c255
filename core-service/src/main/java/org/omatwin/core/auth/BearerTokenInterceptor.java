package org.omatwin.core.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.function.Predicate;
import org.omatwin.core.error.ApiException;
import org.omatwin.core.error.OmaError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authorization at the edge, in one place for gRPC and REST (the embedded REST edge runs the same
 * interceptors): a valid bearer token (401 SVC2003 otherwise), the scope the RPC needs (403 POL2003),
 * and, for a secondary's twinning token, a relationship that still exists (deactivation revokes the
 * token at once, HLF-TE-004). Every refusal is audited with the device and the reason, never the token.
 */
public final class BearerTokenInterceptor implements ServerInterceptor {
    private static final Logger AUDIT = LoggerFactory.getLogger("audit");
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String REALM = "Bearer realm=\"twinning\"";

    private final TokenVerifier verifier;
    private final Predicate<String> twinningIsLive;

    public BearerTokenInterceptor(TokenVerifier verifier, Predicate<String> twinningIsLive) {
        this.verifier = verifier;
        this.twinningIsLive = twinningIsLive;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        String required = Scopes.requiredFor(method);
        if (required == null) {
            throw refused(OmaError.POL2003, "this method is not available", null, method, REALM
                    + ", error=\"insufficient_scope\"");
        }
        String header = headers.get(AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw refused(OmaError.SVC2003, "a bearer access token is required", null, method, REALM);
        }
        TokenVerifier.Verified token;
        try {
            token = verifier.verify(header.substring(7).strip());
        } catch (TokenVerifier.Rejected e) {
            throw refused(OmaError.SVC2003, "invalid access token: " + e.getMessage(), null, method,
                    REALM + ", error=\"invalid_token\"");
        }
        if (token.twinningId() != null && !twinningIsLive.test(token.twinningId())) {
            throw refused(OmaError.SVC2003, "the access token was revoked: its twinning was deactivated",
                    token, method, REALM + ", error=\"invalid_token\"");
        }
        if (!Scopes.allows(token.scopes(), required)) {
            throw refused(OmaError.POL2003, "the access token lacks the scope " + required, token, method,
                    REALM + ", error=\"insufficient_scope\", scope=\"" + required + "\"");
        }
        Context ctx = Context.current().withValue(CallerContext.DEVICE, token.device());
        return Contexts.interceptCall(ctx, call, headers, next);
    }

    private static ApiException refused(OmaError error, String reason, TokenVerifier.Verified token, String method,
            String challenge) {
        AUDIT.info("authorization refused: method={} device={} reason={}", method,
                token == null ? "-" : token.device(), reason);
        return ApiException.bearer(error, reason, challenge, error == OmaError.SVC2003 ? "Authorization" : "scope");
    }
}
