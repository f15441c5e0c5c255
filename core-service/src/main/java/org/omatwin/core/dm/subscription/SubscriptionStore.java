package org.omatwin.core.dm.subscription;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.event.DmEventType;

/** DMWSI subscriptions; every call runs inside the caller's transaction. */
public interface SubscriptionStore {

    /** The device has talked to the server (or been named by an operation). */
    boolean deviceExists(DevId devId);

    void insertSubscription(DmSubscription subscription);

    Optional<DmSubscription> findSubscription(String subscriptionId);

    /** Unique per client (a unique index on client and clientCorrelator). */
    Optional<DmSubscription> findSubscriptionByCorrelator(String clientId, String clientCorrelator);

    /** The client's subscriptions, oldest first. */
    List<DmSubscription> subscriptionsOf(String clientId, int offset, int limit);

    int countSubscriptions(String clientId);

    /** Deletes it with the notifications not delivered yet (the caller asked not to be called any more). */
    void deleteSubscription(String subscriptionId);

    /** The live subscriptions asking for this event type that cover this device (by name or all devices). */
    List<DmSubscription> subscriptionsFor(DevId devId, DmEventType type, Instant now);

    /** Removes expired subscriptions and their undelivered notifications; returns how many. */
    int purgeExpiredSubscriptions(Instant now);
}
