package org.omatwin.core.dm.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;

/**
 * The device surface's TLS identity when the operator configures none (dm-api.md section 1): a
 * self-signed certificate for localhost made once in the data directory by the JDK's own
 * {@code keytool} (no hand-written crypto), kept in an owner-only PKCS#12 file whose random password
 * sits in an owner-only file beside it, and reused on every start so that devices can pin it.
 */
public final class DmTls {
    private static final String ALIAS = "dm";

    private final KeyManagerFactory keyManagers;
    private final String fingerprint;

    private DmTls(KeyManagerFactory keyManagers, String fingerprint) {
        this.keyManagers = keyManagers;
        this.fingerprint = fingerprint;
    }

    public static DmTls selfSigned(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path store = dataDir.resolve("dm-tls.p12");
        Path passFile = dataDir.resolve("dm-tls.pass");
        if (!Files.exists(store) || !Files.exists(passFile)) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.deleteIfExists(store);
            Files.writeString(passFile, password);
            Files.setPosixFilePermissions(passFile, PosixFilePermissions.fromString("rw-------"));
            keytool(store, password);
            Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-------"));
        }
        char[] password = Files.readString(passFile).strip().toCharArray();
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            return new DmTls(kmf, fingerprintOf(ks.getCertificate(ALIAS)));
        } catch (GeneralSecurityException e) {
            throw new IOException("the device surface's key store " + store + " cannot be read", e);
        }
    }

    private static void keytool(Path store, String password) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ProcessBuilder p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "825", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass:env", "DM_TLS_PASS", "-keypass:env", "DM_TLS_PASS")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        p.environment().put("DM_TLS_PASS", password);
        try {
            Process run = p.start();
            if (!run.waitFor(60, TimeUnit.SECONDS) || run.exitValue() != 0) {
                run.destroyForcibly();
                throw new IOException("keytool could not make the device surface's certificate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the device surface's certificate", e);
        }
    }

    private static String fingerprintOf(Certificate cert) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    public KeyManagerFactory keyManagers() {
        return keyManagers;
    }

    /** SHA-256 of the certificate, as devices pin it (AB:CD:...). */
    public String fingerprint() {
        return fingerprint;
    }
}
