package org.omatwin.core.twinning.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Mno;
import org.omatwin.core.twinning.Peers;

/**
 * Partner MNOs that accept every server-to-server update and remember it; {@link #failUpdatesWith}
 * makes them refuse (e.g. unreachable: SVC0001). Codes are neither issued nor redeemed here.
 */
public final class RecordingPeers implements Peers {
    private final Set<Mno> partners;
    private final List<SecondaryUpdate> updates = new ArrayList<>();
    private final List<String> undosPrepared = new ArrayList<>();
    private ApiException updateFailure;

    public RecordingPeers(Mno... partners) {
        this.partners = Set.of(partners);
    }

    public synchronized void failUpdatesWith(ApiException failure) {
        this.updateFailure = failure;
    }

    public synchronized List<SecondaryUpdate> updates() {
        return List.copyOf(updates);
    }

    public synchronized List<String> undosPrepared() {
        return List.copyOf(undosPrepared);
    }

    @Override
    public boolean isPartner(Mno mno) {
        return partners.contains(mno);
    }

    @Override
    public IssuedCode requestCode(Mno partner, String requestId, DeviceAddress secondary) {
        throw new UnsupportedOperationException("not used by these tests");
    }

    @Override
    public DeviceAddress redeem(Mno partner, String requestId, String code, DeviceAddress primary) {
        throw new UnsupportedOperationException("not used by these tests");
    }

    @Override
    public synchronized void updateSecondary(Mno partner, SecondaryUpdate update) {
        if (updateFailure != null) {
            throw updateFailure;
        }
        updates.add(update);
    }

    @Override
    public synchronized void prepareUndo(Mno partner, String requestId, DeviceAddress secondary,
            DeviceAddress primary) {
        undosPrepared.add(partner.id() + "/" + requestId);
    }
}
