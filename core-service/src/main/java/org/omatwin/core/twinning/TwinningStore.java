package org.omatwin.core.twinning;

import org.omatwin.core.twinning.activation.CodeSpace;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.omatwin.core.twinning.activation.AttemptWindow;

/** What the twinning use cases need from storage; every call runs inside the caller's transaction. */
public interface TwinningStore extends CodeSpace {

    /** Locks the device's row (created if absent) until the transaction ends. */
    void lockDevice(DeviceAddress device, Instant now);

    Optional<Twinning> findById(String id);

    Optional<Twinning> findByIdForUpdate(String id);

    /** The secondary's live (not deactivated) relationship, Pending included. */
    Optional<Twinning> findLiveBySecondary(DeviceAddress secondary);

    /**
     * In one statement: the device's live relationship as a secondary (Pending included) and its On/Off
     * relationships as a primary, in that order.
     */
    List<Twinning> findVisibleTo(DeviceAddress device);

    /** The primary's On/Off relationships. */
    List<Twinning> findActiveByPrimary(DeviceAddress primary);

    boolean isActivePrimary(DeviceAddress device);

    /** A Pending relationship whose code hash matches, locked; null hash matches nothing. */
    Optional<Twinning> findPendingByCodeHashForUpdate(String codeHash);

    Optional<Twinning> findActiveByPrimaryCorrelator(DeviceAddress primary, String correlator);

    /** The live relationship that a partner's activation request created (HLF-IC-004/006), locked. */
    Optional<Twinning> findLiveByActivationForUpdate(DeviceAddress primary, String activationRequestId);

    /**
     * Withdraws the undo queued for a partner activation (see {@link Peers#prepareUndo}); false when
     * one is already being delivered (the activation must then not commit).
     */
    boolean withdrawPeerUndo(Mno partner, String requestId);

    /** Pending relationships of the partner's secondaries whose code has not expired. */
    int countPendingCodesFor(Mno partner, Instant now);

    void insert(Twinning twinning);

    /**
     * Writes the new state if the stored version is still {@code twinning.version()}; returns the
     * state with the bumped version. A lost race raises SVC2007.
     */
    Twinning update(Twinning twinning);

    void appendEvent(TwinningEvent event);

    Optional<AttemptWindow> attempts(DeviceAddress device);

    void saveAttempts(DeviceAddress device, AttemptWindow window);
}
