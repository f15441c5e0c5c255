package org.omatwin.core.infra.partner;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How servers calling over mutual TLS are recognised (partner MNOs, secondary DM servers): a client
 * certificate identifies a party when it chains to that party's own trust anchors (not just to any
 * party's) and carries the name configured for it. One party's CA can therefore not vouch for another.
 *
 * @param <T> what the caller configured a party as (a partner MNO, a secondary DM server)
 */
public final class PartnerTrust<T> {
    /** One party: what it is, a label for messages, its CA file (PEM) and the name its certificate carries. */
    public record Party<T>(T value, String label, Path trustAnchors, String certificateName) {}

    private record Entry<T>(Party<T> party, List<X509Certificate> anchors, X509TrustManager trust) {}

    private final List<Entry<T>> entries;

    public PartnerTrust(List<Party<T>> parties) {
        this.entries = parties.stream().map(PartnerTrust::entry).toList();
    }

    public List<T> parties() {
        return entries.stream().map(e -> e.party().value()).toList();
    }

    /** Every party's trust anchors: what the listener accepts in the TLS handshake. */
    public List<X509Certificate> allAnchors() {
        return entries.stream().flatMap(e -> e.anchors().stream()).toList();
    }

    /** The party a verified client certificate chain belongs to, if any. */
    public Optional<T> identify(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return Optional.empty();
        }
        for (Entry<T> e : entries) {
            try {
                e.trust().checkClientTrusted(chain, "UNKNOWN");
            } catch (CertificateException notThisParty) {
                continue;
            }
            if (names(chain[0]).contains(e.party().certificateName().toLowerCase(Locale.ROOT))) {
                return Optional.of(e.party().value());
            }
        }
        return Optional.empty();
    }

    /** The DNS names and the common name of a certificate, lower case. */
    public static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(2).equals(san.get(0))) {
                        names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
                }
            }
        } catch (GeneralSecurityException | javax.naming.InvalidNameException e) {
            return names;
        }
        return names;
    }

    private static <T> Entry<T> entry(Party<T> party) {
        try {
            List<X509Certificate> anchors = readCertificates(party.trustAnchors());
            if (anchors.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + party.trustAnchors());
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("anchor-" + i, anchors.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(store);
            return new Entry<>(party, anchors, (X509TrustManager) tmf.getTrustManagers()[0]);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load the trust anchors of " + party.label() + " from "
                    + party.trustAnchors() + ": " + e.getMessage(), e);
        }
    }

    public static List<X509Certificate> readCertificates(Path pem) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(c -> (X509Certificate) c).toList();
        }
    }
}
