package org.omatwin.core.subscription;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.omatwin.core.twinning.DeviceAddress;

/** Storage of subscriptions; every call runs inside the caller's transaction. */
public interface SubscriptionStore {
    void insert(Subscription s);

    /** Unexpired subscriptions of the device, oldest first. */
    List<Subscription> findLive(DeviceAddress device, Instant now);

    Optional<Subscription> findLive(DeviceAddress device, String id, Instant now);

    Optional<Subscription> findLiveByCorrelator(DeviceAddress device, String correlator, Instant now);

    boolean delete(DeviceAddress device, String id);

    /** Removes the device's expired subscriptions (they no longer exist); returns how many. */
    int purgeExpired(DeviceAddress device, Instant now);
}
