package org.omatwin.core.portal;

import com.nimbusds.jwt.JWTClaimsSet;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.text.ParseException;
import java.util.List;
import org.omatwin.core.auth.TokenVerifier;
import org.omatwin.core.error.ApiException;
import org.omatwin.core.error.OmaError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authorization of the SubscriberService, in one place at its edge: a bearer JWT from the same issuer
 * and audience as device tokens, carrying the {@value #SCOPE} scope; its subject is the subscriber.
 * Without a verifier (TWIN_AUTH_MODE=dev) every call is refused: the portal needs real sign-in.
 */
public final class SubscriberAuthInterceptor implements ServerInterceptor {
    /** The scope the portal's OpenID Connect client asks for; never granted to devices. */
    public static final String SCOPE = "twinning.portal";
    static final Context.Key<String> SUBSCRIBER = Context.key("twinning-subscriber");

    private static final Logger AUDIT = LoggerFactory.getLogger("audit");
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String REALM = "Bearer realm=\"twinning-portal\"";

    private final TokenVerifier verifier;

    /** @param verifier null when the core runs without bearer tokens (then every call is refused) */
    public SubscriberAuthInterceptor(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    /** The subscriber of the current call (set by this interceptor only). */
    static String subscriber() {
        String s = SUBSCRIBER.get();
        if (s == null) {
            throw ApiException.of(OmaError.SVC2003, "a subscriber access token is required", "Authorization");
        }
        return s;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (verifier == null) {
            throw refused(OmaError.SVC2003, "the subscriber service needs TWIN_AUTH_MODE=jwt", null, method);
        }
        String header = headers.get(AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw refused(OmaError.SVC2003, "a bearer access token is required", null, method);
        }
        JWTClaimsSet claims;
        try {
            claims = verifier.verifiedClaims(header.substring(7).strip());
        } catch (TokenVerifier.Rejected e) {
            throw refused(OmaError.SVC2003, "invalid access token: " + e.getMessage(), null, method);
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isBlank() || subject.length() > 200) {
            throw refused(OmaError.SVC2003, "the access token names no subscriber", null, method);
        }
        if (!scopes(claims).contains(SCOPE)) {
            throw refused(OmaError.POL2003, "the access token lacks the scope " + SCOPE, subject, method);
        }
        Context ctx = Context.current().withValue(SUBSCRIBER, subject);
        return Contexts.interceptCall(ctx, call, headers, next);
    }

    private static List<String> scopes(JWTClaimsSet claims) {
        Object value = claims.getClaim("scope");
        if (value instanceof String s) {
            return List.of(s.trim().split("\\s+"));
        }
        if (value instanceof List<?> list) {
            return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
        try {
            List<String> scp = claims.getStringListClaim("scp");
            return scp == null ? List.of() : scp;
        } catch (ParseException e) {
            return List.of();
        }
    }

    private static ApiException refused(OmaError error, String reason, String subscriber, String method) {
        AUDIT.info("portal authorization refused: method={} subscriber={} reason={}", method,
                subscriber == null ? "-" : subscriber, reason);
        return ApiException.bearer(error, reason, REALM + (error == OmaError.SVC2003 ? ", error=\"invalid_token\""
                : ", error=\"insufficient_scope\", scope=\"" + SCOPE + "\""),
                error == OmaError.SVC2003 ? "Authorization" : "scope");
    }
}
