package org.omatwin.testsupport;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * A token issuer for tests: one RSA key, its JWKS served on loopback ({@link #jwksUrl()}), access
 * tokens for the "twinning" audience signed with Nimbus. A core trusts it with
 * {@code TWIN_AUTH_ISSUER=}{@link #issuer()} and {@code TWIN_AUTH_JWKS_URL=}{@link #jwksUrl()}.
 */
public final class LocalIssuer implements AutoCloseable {
    /** The issuer of {@link #LocalIssuer()}. */
    public static final String ISSUER = "https://issuer.test.example";
    private final String issuer;
    private final Duration lifetime;
    private final RSAKey key;
    private final HttpServer jwks;

    /** {@link #ISSUER}, a fresh key id, five-minute tokens. */
    public LocalIssuer() throws Exception {
        this(ISSUER, "local-" + UUID.randomUUID(), Duration.ofMinutes(5));
    }

    public LocalIssuer(String issuer, String keyId, Duration lifetime) throws Exception {
        this.issuer = issuer;
        this.lifetime = lifetime;
        key = new RSAKeyGenerator(2048).keyID(keyId).generate();
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/oauth2/jwks", ex -> {
            byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        jwks.start();
    }

    public String issuer() {
        return issuer;
    }

    public String jwksUrl() {
        return "http://127.0.0.1:" + jwks.getAddress().getPort() + "/oauth2/jwks";
    }

    /** An access token for the twinning audience, valid for this issuer's lifetime. */
    public String token(String subject, String scope) {
        return token(subject, scope, java.util.Map.of());
    }

    /** As {@link #token(String, String)} with more claims (e.g. a device token's {@code msisdn}). */
    public String token(String subject, String scope, java.util.Map<String, Object> more) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .issuer(issuer).audience("twinning").subject(subject).claim("scope", scope)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString());
        more.forEach(builder::claim);
        JWTClaimsSet claims = builder.build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        jwks.stop(0);
    }
}
