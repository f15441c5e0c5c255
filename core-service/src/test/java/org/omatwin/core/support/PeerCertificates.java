package org.omatwin.core.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test PKIs made by the same script the README gives operators ({@code bin/peer-certs}). */
public final class PeerCertificates {
    private final Path dir;

    private PeerCertificates(Path dir) {
        this.dir = dir;
    }

    /** A CA and a certificate per name, in a fresh directory. */
    public static PeerCertificates create(String... names) {
        try {
            return create(Files.createTempDirectory("peer-certs"), Map.of(), names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Certificates that expired in 2020, issued by the same CAs as {@code this}. */
    public PeerCertificates expired(String... names) {
        try {
            Path other = Files.createTempDirectory("peer-certs-expired");
            for (String name : names) {
                Files.copy(ca(name), other.resolve(name + "-ca.pem"));
                Files.copy(dir.resolve(name + "-ca.key"), other.resolve(name + "-ca.key"));
            }
            return create(other, Map.of("PEER_CERT_EXPIRED", "1"), names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A certificate carrying {@code name} but issued by {@code issuer}'s CA (of {@code this}). */
    public PeerCertificates issuedBy(String issuer, String name) {
        try {
            Path other = Files.createTempDirectory("peer-certs-other-ca");
            Files.copy(ca(issuer), other.resolve(issuer + "-ca.pem"));
            Files.copy(dir.resolve(issuer + "-ca.key"), other.resolve(issuer + "-ca.key"));
            return create(other, Map.of("PEER_CERT_ISSUER", issuer), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PeerCertificates create(Path dir, Map<String, String> env, String... names) {
        List<String> command = new ArrayList<>(List.of("bash", Path.of("..", "bin", "peer-certs").toString(),
                dir.toString()));
        command.addAll(List.of(names));
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("bin/peer-certs failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new PeerCertificates(dir);
    }

    public Path certificate(String name) {
        return dir.resolve(name + ".pem");
    }

    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    public Path ca(String name) {
        return dir.resolve(name + "-ca.pem");
    }
}
