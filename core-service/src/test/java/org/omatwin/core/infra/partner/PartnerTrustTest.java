package org.omatwin.core.infra.partner;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.omatwin.core.support.PeerCertificates;

/** A client certificate identifies a party only under that party's own CA and with its configured name. */
class PartnerTrustTest {
    private static final String ACME = "dm.acme.test";
    private static final String GLOBEX = "dm.globex.test";

    @Test
    void aCertificateIdentifiesItsPartyOnlyUnderThatPartysOwnCaAndWithItsName() throws Exception {
        PeerCertificates certs = PeerCertificates.create(ACME, GLOBEX);
        PartnerTrust<String> trust = new PartnerTrust<>(List.of(
                new PartnerTrust.Party<>("acme", "acme", certs.ca(ACME), ACME),
                new PartnerTrust.Party<>("globex", "globex", certs.ca(GLOBEX), GLOBEX)));
        assertThat(trust.allAnchors()).hasSize(2);
        assertThat(trust.identify(chain(certs, ACME))).contains("acme");
        assertThat(trust.identify(chain(certs, GLOBEX))).contains("globex");
        // globex's name under acme's CA: acme's CA vouches for acme only
        assertThat(trust.identify(chain(certs.issuedBy(ACME, GLOBEX), GLOBEX))).isEmpty();
        // acme's name from a CA nobody configured
        assertThat(trust.identify(chain(PeerCertificates.create(ACME), ACME))).isEmpty();
        assertThat(trust.identify(new X509Certificate[0])).isEmpty();
    }

    @Test
    void namesAreTheDnsNamesAndTheCommonName() throws Exception {
        PeerCertificates certs = PeerCertificates.create(ACME);
        assertThat(PartnerTrust.names(chain(certs, ACME)[0])).containsOnly(ACME);
    }

    private static X509Certificate[] chain(PeerCertificates pki, String name) throws Exception {
        return PartnerTrust.readCertificates(pki.certificate(name)).toArray(X509Certificate[]::new);
    }
}
