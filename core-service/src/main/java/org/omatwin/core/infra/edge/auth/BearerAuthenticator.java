package org.omatwin.core.infra.edge.auth;

import java.util.List;
import java.util.function.Predicate;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication and scope check of one API, shared by its gRPC interceptor and its plain HTTP
 * handlers (the DM device surface): a valid bearer token (401 SVC2003 otherwise) whose subject is of
 * the kind the API serves and that passes the API's other rules (revocation), carrying one of the
 * scopes the operation declares (403 POL2003). No scope declared: refused (fail closed). Every refusal
 * is audited with the subject and the reason, never the token.
 */
public final class BearerAuthenticator {
    private static final Logger AUDIT = LoggerFactory.getLogger("audit");

    /** A rule on verified tokens of one API; {@code reason} is what the refusal says. */
    public record TokenRule(Predicate<Caller> holds, String reason) {}

    private final TokenVerifier verifier;
    private final String realm;
    private final List<TokenRule> rules;
    private final java.util.function.Consumer<ApiError> refusals;

    /**
     * @param realm the RFC 6750 realm of this API's challenges
     * @param rules checked in order after the signature: the subject's form, revocation
     */
    public BearerAuthenticator(TokenVerifier verifier, String realm, List<TokenRule> rules) {
        this(verifier, realm, rules, error -> {});
    }

    /** @param refusals told of every refusal (the edge's metrics) */
    public BearerAuthenticator(TokenVerifier verifier, String realm, List<TokenRule> rules,
            java.util.function.Consumer<ApiError> refusals) {
        this.verifier = verifier;
        this.realm = "Bearer realm=\"" + realm + "\"";
        this.rules = List.copyOf(rules);
        this.refusals = refusals;
    }

    /**
     * @param authorization the request's Authorization values (a repeated header is refused)
     * @param scopes one of which the token must carry
     * @param operation what is called, for the audit log
     */
    public Caller authenticate(List<String> authorization, List<String> scopes, String operation) {
        if (scopes.isEmpty()) {
            throw refused(ApiError.NOT_PERMITTED, "this method is not available", null, operation,
                    realm + ", error=\"insufficient_scope\"");
        }
        if (authorization.size() > 1) {
            throw refused(ApiError.INVALID_INPUT, "the Authorization header is repeated", null, operation, null);
        }
        String header = authorization.isEmpty() ? null : authorization.get(0);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw refused(ApiError.UNAUTHENTICATED, "a bearer access token is required", null, operation, realm);
        }
        Caller caller;
        try {
            caller = verifier.verify(header.substring(7).strip());
        } catch (TokenVerifier.Rejected e) {
            throw refused(ApiError.UNAUTHENTICATED, "invalid access token: " + e.getMessage(), null, operation,
                    realm + ", error=\"invalid_token\"");
        }
        for (TokenRule rule : rules) {
            if (!rule.holds().test(caller)) {
                throw refused(ApiError.UNAUTHENTICATED, rule.reason(), caller, operation,
                        realm + ", error=\"invalid_token\"");
            }
        }
        if (scopes.stream().noneMatch(caller.scopes()::contains)) {
            throw refused(ApiError.NOT_PERMITTED, "the access token lacks the scope " + scopes.get(0), caller,
                    operation, realm + ", error=\"insufficient_scope\", scope=\"" + scopes.get(0) + "\"");
        }
        return caller;
    }

    private ApiException refused(ApiError error, String reason, Caller caller, String operation,
            String challenge) {
        refusals.accept(error);
        AUDIT.info("authorization refused: method={} subject={} reason={}", operation,
                caller == null ? "-" : caller.subject(), reason);
        String variable = error == ApiError.NOT_PERMITTED ? "scope" : "Authorization";
        return challenge == null ? ApiException.of(error, reason, variable)
                : ApiException.bearer(error, reason, challenge, variable);
    }
}
