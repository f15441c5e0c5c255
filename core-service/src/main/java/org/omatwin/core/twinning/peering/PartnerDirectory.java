package org.omatwin.core.twinning.peering;

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
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.omatwin.core.twinning.peering.PeeringConfig;
import org.omatwin.core.twinning.peering.PeeringConfig.Partner;
import org.omatwin.core.twinning.Mno;

/**
 * Who our partners are and how to recognise them: a client certificate identifies a partner when it
 * chains to that partner's own trust anchors (not just to any partner's) and carries the name configured
 * for it. One partner's CA can therefore not vouch for another partner.
 */
public final class PartnerDirectory {
    private final Map<Mno, Entry> byMno;

    private record Entry(Partner partner, List<X509Certificate> anchors, X509TrustManager trust) {}

    public PartnerDirectory(PeeringConfig config) {
        this.byMno = config.partners().stream().map(PartnerDirectory::entry)
                .collect(Collectors.toUnmodifiableMap(e -> e.partner().mno(), Function.identity()));
    }

    public Optional<Partner> partner(Mno mno) {
        return Optional.ofNullable(byMno.get(mno)).map(Entry::partner);
    }

    public Collection<Partner> partners() {
        return byMno.values().stream().map(Entry::partner).toList();
    }

    /** Every partner's trust anchors: what the peering listener accepts in the TLS handshake. */
    public X509Certificate[] allAnchors() {
        return byMno.values().stream().flatMap(e -> e.anchors().stream()).toArray(X509Certificate[]::new);
    }

    /** The partner a verified client certificate chain belongs to, if any. */
    public Optional<Partner> identify(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return Optional.empty();
        }
        for (Entry e : byMno.values()) {
            try {
                e.trust().checkClientTrusted(chain, "UNKNOWN");
            } catch (CertificateException notThisPartner) {
                continue;
            }
            if (names(chain[0]).contains(e.partner().certificateName().toLowerCase(Locale.ROOT))) {
                return Optional.of(e.partner());
            }
        }
        return Optional.empty();
    }

    /** The DNS names and the common name of a certificate, lower case. */
    static List<String> names(X509Certificate cert) {
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

    private static Entry entry(Partner partner) {
        try {
            List<X509Certificate> anchors = readCertificates(partner.trustAnchors());
            if (anchors.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + partner.trustAnchors());
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("anchor-" + i, anchors.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(store);
            X509TrustManager trust = (X509TrustManager) tmf.getTrustManagers()[0];
            return new Entry(partner, anchors, trust);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load the trust anchors of partner " + partner.mno().id() + " from "
                    + partner.trustAnchors() + ": " + e.getMessage(), e);
        }
    }

    static List<X509Certificate> readCertificates(Path pem) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(c -> (X509Certificate) c).toList();
        }
    }
}
