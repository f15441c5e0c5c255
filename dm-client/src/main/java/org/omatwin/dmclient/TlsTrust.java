package org.omatwin.dmclient;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How the client decides to trust the server's TLS certificate. Verification is never switched off silently:
 * the only unverified mode, {@link #insecureDevelopmentOnly()}, says so on standard error every time it is made.
 */
public final class TlsTrust {

    private final SSLContext context;
    private final String description;

    private TlsTrust(SSLContext context, String description) {
        this.context = context;
        this.description = description;
    }

    public SSLContext sslContext() {
        return context;
    }

    @Override
    public String toString() {
        return description;
    }

    /** The JDK's default trust store (certificates from a public or operator CA) with hostname verification. */
    public static TlsTrust jdkDefault() {
        try {
            return new TlsTrust(SSLContext.getDefault(), "JDK default trust store");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    /**
     * Trusts certificates chaining to the given certificate(s) (PEM or DER file; the server's own self-signed
     * certificate works too), with the usual PKIX and hostname checks.
     */
    public static TlsTrust certificateFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("trusted-" + i++, cert);
            }
            if (i == 0) {
                throw new IOException("no certificate in " + file);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return new TlsTrust(context(tmf.getTrustManagers()), "certificate file " + file);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + file + " as a trusted certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Trusts exactly the server certificate whose DER encoding has this SHA-256 fingerprint (hex, colons and case
     * ignored), as printed by the server that created a self-signed certificate. The pin identifies the server, so
     * neither a CA chain nor the host name is checked.
     */
    public static TlsTrust pinnedSha256(String fingerprint) {
        byte[] pin = parseFingerprint(fingerprint);
        return new TlsTrust(context(new TrustManager[] {new PinningTrustManager(pin)}),
                "certificate pinned to SHA-256 " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(pin));
    }

    /** Accepts any certificate. Development only; prints a warning on standard error. */
    public static TlsTrust insecureDevelopmentOnly() {
        System.err.println("WARNING: --insecure-dev: the server's TLS certificate is NOT verified. "
                + "Anyone on the network path can impersonate the DM server. Never use this outside development.");
        return new TlsTrust(context(new TrustManager[] {new PinningTrustManager(null)}),
                "NO certificate verification (insecure development mode)");
    }

    static byte[] parseFingerprint(String fingerprint) {
        String hex = fingerprint.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (hex.startsWith("sha256") && hex.length() == 70) { // "SHA256:AB:CD:..." as some tools print it
            hex = hex.substring(6);
        }
        if (hex.length() != 64) {
            throw new IllegalArgumentException("a SHA-256 fingerprint is 64 hex digits (colons allowed), got "
                    + hex.length() + " characters");
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a SHA-256 fingerprint is 64 hex digits (colons allowed)", e);
        }
    }

    /** The SHA-256 fingerprint of a certificate, upper-case hex with colons (as keytool prints it). */
    public static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SSLContext context(TrustManager[] trustManagers) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trustManagers, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context", e);
        }
    }

    /**
     * Checks the leaf certificate against a pinned fingerprint (or nothing when {@code pin} is null: the insecure
     * mode). Extending {@link X509ExtendedTrustManager} keeps the JDK from adding a hostname check the pin makes
     * unnecessary.
     */
    private static final class PinningTrustManager extends X509ExtendedTrustManager {
        private final byte[] pin;

        PinningTrustManager(byte[] pin) {
            this.pin = pin;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (pin == null) {
                return;
            }
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
            byte[] actual;
            try {
                actual = MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
            } catch (NoSuchAlgorithmException e) {
                throw new CertificateException(e);
            }
            if (!MessageDigest.isEqual(actual, pin)) {
                HexFormat hex = HexFormat.ofDelimiter(":").withUpperCase();
                throw new CertificateException("server certificate SHA-256 " + hex.formatHex(actual)
                        + " does not match the pinned " + hex.formatHex(pin));
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a DM client does not accept client connections");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
