package org.omatwin.core.auth;

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
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Set;
import org.omatwin.core.twinning.DeviceAddress;

/**
 * Verifies JWT bearer access tokens with Nimbus JOSE+JWT: signature against the issuer's published keys
 * (JWKS, cached; an unknown key id triggers a rate-limited refetch, so key rotation is picked up),
 * signed algorithms only (no "none"), exact issuer, our audience, exp/nbf with a small clock skew, and a
 * subject that is a device address.
 */
public final class TokenVerifier {
    /** What a verified token says: the device, its scopes and, for twinning tokens, the relationship. */
    public record Verified(DeviceAddress device, Set<String> scopes, String twinningId, String tokenId) {}

    /** Why a token was refused, for the challenge and the audit log (never contains the token). */
    public static final class Rejected extends Exception {
        public Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The claim binding a secondary's twinning token to its relationship (revoked with it, HLF-TE-004). */
    public static final String TWINNING_CLAIM = "twinning_id";

    private static final int MAX_CACHED = 10_000;
    private static final Duration MAX_CACHE_AGE = Duration.ofMinutes(5);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    /**
     * Verified tokens, so that a device's repeated calls do not verify the same signature again. An
     * entry never outlives the token's expiry (nor five minutes); revocation and scopes are still
     * checked on every call by the interceptor.
     */
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Verified verified, Instant until) {}

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

    public Verified verify(String token) throws Rejected {
        Instant now = Instant.now();
        Cached cached = cache.get(token);
        if (cached != null) {
            if (now.isBefore(cached.until())) {
                return cached.verified();
            }
            cache.remove(token);
        }
        JWTClaimsSet claims = verifiedClaims(token);
        Verified verified = toVerified(claims);
        Instant expiry = claims.getExpirationTime().toInstant(); // required claim, checked
        Instant until = expiry.isBefore(now.plus(MAX_CACHE_AGE)) ? expiry : now.plus(MAX_CACHE_AGE);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(token, new Cached(verified, until));
        return verified;
    }

    /** The verified claims, whatever the subject (the portal's subscriber tokens); not cached. */
    public JWTClaimsSet verifiedClaims(String token) throws Rejected {
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

    private static Verified toVerified(JWTClaimsSet claims) throws Rejected {
        String subject = claims.getSubject();
        if (!DeviceAddress.isValid(subject)) {
            throw new Rejected("the token subject is not a device address");
        }
        try {
            return new Verified(new DeviceAddress(subject), scopes(claims), claims.getStringClaim(TWINNING_CLAIM),
                    claims.getJWTID());
        } catch (ParseException e) {
            throw new Rejected("malformed claims");
        }
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
