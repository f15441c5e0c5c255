package org.omatwin.core.twinning;

import java.time.Instant;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/**
 * The synchronous calls to partner MNOs that an activation needs (HLF-IC-002..006). Each throws an
 * {@link ApiException}: SVC0001 (503) when the partner cannot be reached or does not answer in time,
 * or the partner's own refusal (a wrong code, a secondary already twinned, ...). Changes after the
 * activation (toggles, renames, deactivations) do not come through here: they go through the outbox.
 */
public interface Peers {

    /** No partner configured: every foreign MNO is refused. */
    Peers NONE = new Peers() {
        @Override
        public boolean isPartner(Mno mno) {
            return false;
        }

        @Override
        public IssuedCode requestCode(Mno partner, String requestId, DeviceAddress secondary) {
            throw notPartner(partner);
        }

        @Override
        public DeviceAddress redeem(Mno partner, String requestId, String code, DeviceAddress primary) {
            throw notPartner(partner);
        }

        @Override
        public void updateSecondary(Mno partner, SecondaryUpdate update) {
            throw notPartner(partner);
        }

        @Override
        public void prepareUndo(Mno partner, String requestId, DeviceAddress secondary, DeviceAddress primary) {}
    };

    /** A code issued by the partner: shown to our secondary, redeemed at the partner. */
    record IssuedCode(String code, Mno issuer, Instant expiresAt) {}

    /**
     * The CR's server-to-server update of the secondary's resource (HLF-IC-006).
     *
     * @param activation whether this update is the activation itself; {@code requestId} then identifies
     *     the activation (see {@link #prepareUndo})
     */
    record SecondaryUpdate(String requestId, DeviceAddress secondary, DeviceAddress primary, String name,
            String authCode, DeviceAddress primaryVoiceMail, boolean activation) {}

    boolean isPartner(Mno mno);

    /**
     * Whether {@code device} is in the address ranges configured for {@code partner}: what the partner
     * may name as its subscriber, checked before it is called (it would refuse, or be refused, after).
     */
    default boolean serves(Mno partner, DeviceAddress device) {
        return true;
    }

    /** HLF-IC-002: asks the primary's MNO for a code for our secondary. */
    IssuedCode requestCode(Mno partner, String requestId, DeviceAddress secondary);

    /** HLF-IC-004: redeems the code at the secondary's MNO for our primary; returns the secondary. */
    DeviceAddress redeem(Mno partner, String requestId, String code, DeviceAddress primary);

    /** HLF-IC-006: activates (or updates) the secondary's resource at its MNO. */
    void updateSecondary(Mno partner, SecondaryUpdate update);

    /**
     * Before a call that changes the partner's side during an activation: queues, in its own committed
     * transaction, the partner's instruction to end what activation {@code requestId} made there, due
     * after a delay. The activation's transaction withdraws it ({@link TwinningStore#withdrawPeerUndo})
     * as it commits; if it never commits (failure, crash), the undo is delivered and no side stays
     * half-twinned.
     */
    void prepareUndo(Mno partner, String requestId, DeviceAddress secondary, DeviceAddress primary);

    static ApiException notPartner(Mno mno) {
        return ApiException.of(ApiError.INVALID_INPUT, "MNO " + mno + " is not a partner of this operator", "mno");
    }
}
