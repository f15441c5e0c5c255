package org.omatwin.core.subscriber;

import java.util.List;
import java.util.Optional;

/**
 * The subscriber data both families read: lines per subscriber and the devices provisioned on them.
 * Every call runs inside the caller's transaction; writes come only from provisioning.
 */
public interface SubscriberData {

    /**
     * Serialises provisioning changes across core instances until the transaction ends: a full replace
     * reads, then moves lines and devices between subscribers, and two of them must not interleave.
     */
    void lockForProvisioning();

    Optional<Subscriber> find(String subscriberId);

    /** The subscriber's lines, in address order; empty for an unknown subscriber. */
    List<String> linesOf(String subscriberId);

    /**
     * Replaces everything about the subscriber: lines no longer listed are removed, listed lines (and
     * SIMs and devices) held by another subscriber move here (the latest provisioning wins).
     */
    void replace(Subscriber subscriber);

    /** Removes the subscriber, its lines and their devices; false when there was nothing. */
    boolean delete(String subscriberId);
}
