package org.omatwin.core.infra.edge.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URL;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Set;

/**
 * Verifies JWT bearer access tokens with Nimbus JOSE+JWT: signature against the issuer's published keys
 * (JWKS, cached; an unknown key id triggers a rate-limited refetch, so key rotation is picked up),
 * signed algorithms only (no "none"), exact issuer, our audience, exp/nbf with a small clock skew, and a
 * subject. What the subject must be is each API's rule ({@link BearerAuthInterceptor.TokenRule}).
 */
public final class TokenVerifier {
    /** Why a token was refused, for the challenge and the audit log (never contains the token). */
    public static final class Rejected extends Exception {
        public Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    /** String claims an API may rely on besides the subject and scopes, copied into the {@link Caller}. */
    private static final List<String> PASSED_CLAIMS = List.of("twinning_id", "msisdn", "jti", "client_id");

    private static final int MAX_CACHED = 10_000;
    private static final Duration MAX_CACHE_AGE = Duration.ofMinutes(5);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    /**
     * Verified tokens, so that a device's repeated calls do not verify the same signature again. An
     * entry never outlives the token's expiry (nor five minutes); revocation and scopes are still
     * checked on every call by the interceptor.
     */
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Caller verified, Instant until) {}

    public TokenVerifier(String issuer, String audience, URL jwksUrl, Duration clockSkew) {
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwksUrl)
                .cache(Duration.ofMinutes(15).toMillis(), Duration.ofSeconds(30).toMillis())
                .rateLimited(Duration.ofSeconds(1).toMillis())
                .retrying(true)
                .build();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
                new JOSEObjectType("at+jwt"), null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256,
                JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.ES384),
                keys));
        // Nimbus probes these sets with null: they must be null-tolerant (HashSet), not Set.of.
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                new HashSet<>(List.of(audience)), new JWTClaimsSet.Builder().issuer(issuer).build(),
                new HashSet<>(List.of("sub", "exp")), null);
        claims.setMaxClockSkew((int) clockSkew.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    public Caller verify(String token) throws Rejected {
        Instant now = Instant.now();
        Cached cached = cache.get(token);
        if (cached != null) {
            if (now.isBefore(cached.until())) {
                return cached.verified();
            }
            cache.remove(token);
        }
        JWTClaimsSet claims = verifiedClaims(token);
        Caller verified = toCaller(claims);
        Instant expiry = claims.getExpirationTime().toInstant(); // required claim, checked
        Instant until = expiry.isBefore(now.plus(MAX_CACHE_AGE)) ? expiry : now.plus(MAX_CACHE_AGE);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(token, new Cached(verified, until));
        return verified;
    }

    private JWTClaimsSet verifiedClaims(String token) throws Rejected {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new Rejected("malformed token");
        } catch (com.nimbusds.jose.proc.BadJOSEException e) {
            throw new Rejected(e.getMessage());
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new Rejected("token could not be verified: " + e.getMessage());
        }
        return claims;
    }

    private static Caller toCaller(JWTClaimsSet claims) throws Rejected {
        String subject = claims.getSubject();
        if (subject == null || subject.isBlank() || subject.length() > 300) {
            throw new Rejected("the token names no subject");
        }
        Map<String, String> passed = new HashMap<>();
        try {
            for (String name : PASSED_CLAIMS) {
                String value = claims.getStringClaim(name);
                if (value != null) {
                    passed.put(name, value);
                }
            }
        } catch (ParseException e) {
            throw new Rejected("malformed claims");
        }
        return new Caller(subject, scopes(claims), passed);
    }

    private static Set<String> scopes(JWTClaimsSet claims) throws Rejected {
        Set<String> out = new HashSet<>();
        // RFC 9068 says a space-separated "scope" string; some servers (Spring's among them) send a JSON
        // array, others "scp": all are accepted.
        for (String name : List.of("scope", "scp")) {
            Object value = claims.getClaim(name);
            if (value instanceof String s) {
                out.addAll(List.of(s.trim().split("\\s+")));
            } else if (value instanceof List<?> list) {
                for (Object item : list) {
                    if (!(item instanceof String s)) {
                        throw new Rejected("malformed " + name + " claim");
                    }
                    out.add(s);
                }
            } else if (value != null) {
                throw new Rejected("malformed " + name + " claim");
            }
        }
        return out;
    }
}
