package org.omatwin.core.dm.pkg;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.util.Base64;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * The operator's approved originators of packages (section 8, ES6): CA certificates. A package's
 * signature is a JWS with a detached payload whose {@code x5c} header carries the signing certificate
 * (and any intermediates); it counts when that chain validates to one of these CAs (the JDK's PKIX
 * validation, at the time of the check) and the JWS verifies with the signing certificate's key
 * (Nimbus JOSE+JWT). No cryptography is written here.
 */
public final class Originators {
    private final Set<TrustAnchor> anchors;

    private Originators(Set<TrustAnchor> anchors) {
        this.anchors = anchors;
    }

    /** No originator approved: every signature is refused. */
    public static Originators none() {
        return new Originators(Set.of());
    }

    public static Originators of(List<X509Certificate> cas) {
        return new Originators(cas.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toUnmodifiableSet()));
    }

    /** The CA certificates of a PEM file (one or more CERTIFICATE blocks). */
    public static Originators fromPem(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> cas = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                cas.add((X509Certificate) c);
            }
            if (cas.isEmpty()) {
                throw new IOException(file + " holds no certificate");
            }
            return of(cas);
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(file + " is not a PEM file of certificates: " + e.getMessage(), e);
        }
    }

    public int size() {
        return anchors.size();
    }

    /** Refuses at registration what can never verify: not a compact JWS with a detached payload and x5c. */
    public static void checkShape(String signature) {
        if (signature == null || signature.isBlank()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "signature is missing", "signature");
        }
        String[] parts = signature.split("\\.", -1);
        if (parts.length != 3 || !parts[1].isEmpty() || signature.length() > 64 * 1024) {
            throw ApiException.of(ApiError.INVALID_INPUT,
                    "signature is a compact JWS with a detached payload (header..signature)", "signature");
        }
        try {
            JWSObject jws = JWSObject.parse(signature, new Payload(new byte[0]));
            if (jws.getHeader().getX509CertChain() == null || jws.getHeader().getX509CertChain().isEmpty()) {
                throw ApiException.of(ApiError.INVALID_INPUT, "the signature's header has no x5c", "signature");
            }
        } catch (ParseException e) {
            throw ApiException.of(ApiError.INVALID_INPUT, "signature is not a JWS: " + e.getMessage(), "signature");
        }
    }

    /**
     * Why {@code signature} does not sign {@code payload} for an approved originator at {@code now}, or
     * empty when it does.
     */
    public Optional<String> refusal(String signature, String payload, Instant now) {
        JWSObject jws;
        try {
            jws = JWSObject.parse(signature, new Payload(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (ParseException e) {
            return Optional.of("the signature is not a JWS");
        }
        List<X509Certificate> chain = new ArrayList<>();
        List<Base64> x5c = jws.getHeader().getX509CertChain();
        if (x5c == null || x5c.isEmpty()) {
            return Optional.of("the signature names no certificate (x5c)");
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Base64 der : x5c) {
                chain.add((X509Certificate) factory.generateCertificate(new java.io.ByteArrayInputStream(der.decode())));
            }
        } catch (GeneralSecurityException e) {
            return Optional.of("the signature's certificates cannot be read");
        }
        if (anchors.isEmpty()) {
            return Optional.of("no originator is approved by this operator");
        }
        // the CA itself, when sent along, is the anchor and not part of the path
        List<X509Certificate> path = chain.stream()
                .filter(c -> anchors.stream().noneMatch(a -> a.getTrustedCert().equals(c))).toList();
        if (path.isEmpty()) {
            return Optional.of("the signature is made by an originator's CA certificate, not a signing certificate");
        }
        try {
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                    .generateCertPath(path), params);
        } catch (GeneralSecurityException e) {
            return Optional.of("the signing certificate does not chain to an approved originator");
        }
        X509Certificate signer = path.getFirst();
        boolean[] usage = signer.getKeyUsage();
        if (usage != null && !usage[0]) {
            return Optional.of("the signing certificate is not for digital signatures");
        }
        try {
            JWSVerifier verifier = new DefaultJWSVerifierFactory().createJWSVerifier(jws.getHeader(),
                    signer.getPublicKey());
            if (!jws.verify(verifier)) {
                return Optional.of("the signature does not match the package's metadata and content");
            }
        } catch (JOSEException | IllegalStateException e) {
            return Optional.of("the signature cannot be verified: " + e.getMessage());
        }
        return Optional.empty();
    }
}
