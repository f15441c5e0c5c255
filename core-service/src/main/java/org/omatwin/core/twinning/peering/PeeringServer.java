package org.omatwin.core.twinning.peering;

import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import java.util.List;
import org.omatwin.core.infra.edge.ErrorInterceptor;
import org.omatwin.core.infra.edge.auth.AccessRules;
import org.omatwin.core.infra.partner.PartnerAuthentication;
import org.omatwin.proto.peering.v1.PeeringProto;

/**
 * {@code MnoPeeringService} as served on the partner listener ({@link org.omatwin.core.infra.partner.PartnerListener},
 * TWIN_PEER_PORT): each call authenticated by the partner MNO's client certificate and audited.
 */
public final class PeeringServer {
    /** The largest peering request accepted. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private PeeringServer() {}

    /**
     * The peering service with the chain of every API ({@code ErrorInterceptor}) inside the partner
     * authentication, which stays outermost so that its audit line records the final status.
     */
    public static ServerServiceDefinition service(PartnerDirectory directory, PeeringGrpcService peering) {
        return ServerInterceptors.intercept(ServerInterceptors.intercept(peering, new ErrorInterceptor()),
                new PartnerAuthentication<>(directory.trust(), AccessRules.of(List.of(PeeringProto.getDescriptor()
                        .findServiceByName("MnoPeeringService"))), "org.omatwin.peering.audit", "partner MNO",
                        "partner", p -> p.mno().id(), (ctx, p) -> ctx.withValue(PeerContext.PARTNER, p)));
    }
}
