package org.omatwin.core.dm.api;

import java.util.Optional;
import org.omatwin.core.dm.DmStore;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.notify.DmFanOut;
import org.omatwin.core.dm.notify.EventFeed;
import org.omatwin.core.dm.policy.Permission;
import org.omatwin.core.dm.policy.ClientPolicy;
import org.omatwin.core.dm.policy.Policies;
import org.omatwin.core.dm.policy.PseudonymStore;
import org.omatwin.core.dm.policy.Pseudonyms;
import org.omatwin.core.infra.storage.Transactions;

/**
 * The external systems' policies as the DMWSI edge applies them: the operator's file, or in
 * development without tokens the one development client with every permission on every device.
 */
public final class DmwsiPolicies implements DmFanOut.Audience {
    private final Policies policies;
    private final boolean development;
    private final Pseudonyms pseudonyms;
    private final Transactions<? extends DmStore> devices;
    private final Transactions<? extends PseudonymStore> given;

    /** @param development no authorization server: every caller is the development client */
    public DmwsiPolicies(Policies policies, boolean development, Pseudonyms pseudonyms,
            Transactions<? extends DmStore> devices, Transactions<? extends PseudonymStore> given) {
        this.policies = policies;
        this.development = development;
        this.pseudonyms = pseudonyms;
        this.devices = devices;
        this.given = given;
    }

    /** The client's policy; none: it reaches nothing. */
    public Optional<ClientPolicy> of(String clientId) {
        if (development && DmwsiCallers.DEVELOPMENT_CLIENT.equals(clientId)) {
            return Optional.of(policies.forClient(clientId).orElse(ClientPolicy.unrestricted(clientId)));
        }
        return policies.forClient(clientId);
    }

    /** A client hears of a device's event when its policy reaches the device and lets it read the node. */
    @Override
    public boolean admits(EventFeed feed, String clientId, DevId devId, String nodeUri) {
        return of(clientId).filter(p -> (nodeUri == null || p.allows(Permission.READ, nodeUri))
                && feed.reaches(devId, p.reach())).isPresent();
    }

    /** The client's access (for one call or one notification), if it has a policy. */
    Optional<ClientAccess> access(String clientId) {
        return of(clientId).map(p -> new ClientAccess(p, pseudonyms, devices, given));
    }
}
