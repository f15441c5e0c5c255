package org.omatwin.core.infra.edge.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.List;
import java.util.function.Predicate;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authorization at the edge of one API, in one place for gRPC and REST (the embedded REST edge runs
 * the same interceptors): a valid bearer token (401 SVC2003 otherwise) whose subject is of the kind
 * the API serves, still valid by the API's revocation rule, and carrying one of the scopes the RPC
 * declares in the contract (403 POL2003). An RPC that declares no scope is refused. Every refusal is
 * audited with the subject and the reason, never the token.
 */
public final class BearerAuthInterceptor implements ServerInterceptor {
    private static final Logger AUDIT = LoggerFactory.getLogger("audit");
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** A rule on verified tokens of one API; {@code reason} is what the refusal says. */
    public record TokenRule(Predicate<Caller> holds, String reason) {}

    private final TokenVerifier verifier;
    private final AccessRules access;
    private final String realm;
    private final List<TokenRule> rules;

    /**
     * @param realm the RFC 6750 realm of this API's challenges
     * @param rules checked in order after the signature: the subject's form, revocation
     */
    public BearerAuthInterceptor(TokenVerifier verifier, AccessRules access, String realm, List<TokenRule> rules) {
        this.verifier = verifier;
        this.access = access;
        this.realm = "Bearer realm=\"" + realm + "\"";
        this.rules = List.copyOf(rules);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        List<String> scopes = access.scopesFor(method);
        if (scopes.isEmpty()) {
            throw refused(ApiError.NOT_PERMITTED, "this method is not available", null, method,
                    realm + ", error=\"insufficient_scope\"");
        }
        String header = headers.get(AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw refused(ApiError.UNAUTHENTICATED, "a bearer access token is required", null, method, realm);
        }
        Caller caller;
        try {
            caller = verifier.verify(header.substring(7).strip());
        } catch (TokenVerifier.Rejected e) {
            throw refused(ApiError.UNAUTHENTICATED, "invalid access token: " + e.getMessage(), null, method,
                    realm + ", error=\"invalid_token\"");
        }
        for (TokenRule rule : rules) {
            if (!rule.holds().test(caller)) {
                throw refused(ApiError.UNAUTHENTICATED, rule.reason(), caller, method, realm + ", error=\"invalid_token\"");
            }
        }
        if (scopes.stream().noneMatch(caller.scopes()::contains)) {
            throw refused(ApiError.NOT_PERMITTED, "the access token lacks the scope " + scopes.get(0), caller, method,
                    realm + ", error=\"insufficient_scope\", scope=\"" + scopes.get(0) + "\"");
        }
        Context ctx = Context.current().withValue(CallerContext.CALLER, caller);
        return Contexts.interceptCall(ctx, call, headers, next);
    }

    private static ApiException refused(ApiError error, String reason, Caller caller, String method,
            String challenge) {
        AUDIT.info("authorization refused: method={} subject={} reason={}", method,
                caller == null ? "-" : caller.subject(), reason);
        return ApiException.bearer(error, reason, challenge, error == ApiError.UNAUTHENTICATED ? "Authorization" : "scope");
    }
}
