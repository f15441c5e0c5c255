package org.omatwin.core.twinning.peering;

import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.omatwin.core.infra.partner.PartnerTrust;
import org.omatwin.core.twinning.Mno;
import org.omatwin.core.twinning.peering.PeeringConfig.Partner;

/**
 * Who our partners are and how to recognise them: a client certificate identifies a partner when it
 * chains to that partner's own trust anchors (not just to any partner's) and carries the name configured
 * for it ({@link PartnerTrust}). One partner's CA can therefore not vouch for another partner.
 */
public final class PartnerDirectory {
    private final Map<Mno, Partner> byMno;
    private final PartnerTrust<Partner> trust;

    public PartnerDirectory(PeeringConfig config) {
        this.byMno = config.partners().stream()
                .collect(Collectors.toUnmodifiableMap(Partner::mno, Function.identity()));
        this.trust = new PartnerTrust<>(config.partners().stream().map(p -> new PartnerTrust.Party<>(p,
                "partner " + p.mno().id(), p.trustAnchors(), p.certificateName())).toList());
    }

    public Optional<Partner> partner(Mno mno) {
        return Optional.ofNullable(byMno.get(mno));
    }

    public Collection<Partner> partners() {
        return byMno.values();
    }

    /** How a partner's client certificate is recognised. */
    PartnerTrust<Partner> trust() {
        return trust;
    }

    /** Every partner's trust anchors: what the partner listener accepts in the TLS handshake. */
    public List<X509Certificate> allAnchors() {
        return trust.allAnchors();
    }

    /** The partner a verified client certificate chain belongs to, if any. */
    public Optional<Partner> identify(X509Certificate[] chain) {
        return trust.identify(chain);
    }
}
