package org.omatwin.core.twinning.peering;

import io.grpc.Context;
import org.omatwin.core.twinning.peering.PeeringConfig.Partner;

/** The partner MNO making the current peering call, set by {@link PartnerAuthInterceptor}. */
final class PeerContext {
    static final Context.Key<Partner> PARTNER = Context.key("twinning-partner");

    private PeerContext() {}

    static Partner partner() {
        Partner p = PARTNER.get();
        if (p == null) {
            throw new IllegalStateException("peering call without an authenticated partner");
        }
        return p;
    }
}
