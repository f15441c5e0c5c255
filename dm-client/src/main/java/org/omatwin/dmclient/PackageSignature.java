package org.omatwin.dmclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.util.Base64;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The device's check of a package's originator (dm-api.md section 8, ES3): the command carries the JWS
 * (detached payload, {@code x5c}) and the metadata it signs; the device rebuilds the RFC 8785 canonical
 * payload {sha256, size, kind, name, version, targets} from what it downloaded and the command's metadata,
 * verifies the JWS with the signing certificate's key (Nimbus JOSE+JWT) and, when it was given the
 * originators it trusts, validates the certificate chain to one of them (the JDK's PKIX).
 */
public final class PackageSignature {
    private final Set<TrustAnchor> originators;

    private PackageSignature(Set<TrustAnchor> originators) {
        this.originators = originators;
    }

    /** Checks the signature over the metadata, without an originator list (the chain is not checked). */
    public static PackageSignature anyOriginator() {
        return new PackageSignature(Set.of());
    }

    /** The CA certificates of a PEM file: the originators this device accepts. */
    public static PackageSignature originators(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            return new PackageSignature(CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(c -> new TrustAnchor((X509Certificate) c, null)).collect(Collectors.toUnmodifiableSet()));
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(pem + " is not a PEM file of certificates", e);
        }
    }

    /** Why the downloaded package (its size and SHA-256) does not carry a valid signature; empty when it does. */
    public Optional<String> problem(Wire.PackageRef pkg, long size, String sha256) {
        if (pkg == null || pkg.signature() == null) {
            return Optional.empty(); // nothing to check: the command carried no signature
        }
        if (pkg.name() == null || pkg.version() == null || pkg.kind() == null) {
            return Optional.of("the command carries a signature without the metadata it signs");
        }
        try {
            JWSObject jws = JWSObject.parse(pkg.signature(), new Payload(canonical(pkg, size, sha256)
                    .getBytes(StandardCharsets.UTF_8)));
            List<Base64> x5c = jws.getHeader().getX509CertChain();
            if (x5c == null || x5c.isEmpty()) {
                return Optional.of("the signature names no certificate");
            }
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> chain = new ArrayList<>();
            for (Base64 der : x5c) {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der.decode())));
            }
            if (!originators.isEmpty()) {
                List<X509Certificate> path = chain.stream()
                        .filter(c -> originators.stream().noneMatch(a -> a.getTrustedCert().equals(c))).toList();
                PKIXParameters params = new PKIXParameters(originators);
                params.setRevocationEnabled(false);
                CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(path), params);
            }
            if (!jws.verify(new DefaultJWSVerifierFactory().createJWSVerifier(jws.getHeader(),
                    chain.getFirst().getPublicKey()))) {
                return Optional.of("the signature does not match the package");
            }
            return Optional.empty();
        } catch (java.text.ParseException e) {
            return Optional.of("the signature is not a JWS");
        } catch (java.security.GeneralSecurityException e) {
            return Optional.of("the signing certificate is not from a trusted originator");
        } catch (com.nimbusds.jose.JOSEException | RuntimeException e) {
            return Optional.of("the signature cannot be verified: " + e.getMessage());
        }
    }

    /**
     * RFC 8785 canonical JSON of this fixed shape (strings, one integer, the targets object, an array of
     * strings): members in UTF-16 order, JCS string escaping. The server signs nothing else.
     */
    static String canonical(Wire.PackageRef p, long size, String sha256) {
        JsonNode t = p.targets();
        List<String> members = new ArrayList<>();
        if (t != null && t.path("fromVersions").isArray() && !t.path("fromVersions").isEmpty()) {
            List<String> versions = new ArrayList<>();
            t.path("fromVersions").forEach(v -> versions.add(string(v.asText())));
            members.add("\"fromVersions\":[" + String.join(",", versions) + "]");
        }
        for (String name : List.of("man", "mod")) {
            if (t != null && t.hasNonNull(name)) {
                members.add("\"" + name + "\":" + string(t.get(name).asText()));
            }
        }
        return "{\"kind\":" + string(p.kind()) + ",\"name\":" + string(p.name()) + ",\"sha256\":" + string(sha256)
                + ",\"size\":" + size + ",\"targets\":{" + String.join(",", members) + "},\"version\":"
                + string(p.version()) + "}";
    }

    private static String string(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
