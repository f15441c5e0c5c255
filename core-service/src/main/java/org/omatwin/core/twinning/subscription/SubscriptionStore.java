package org.omatwin.core.twinning.subscription;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.omatwin.core.twinning.DeviceAddress;

/** Storage of subscriptions; every call runs inside the caller's transaction. */
public interface SubscriptionStore {
    /** Serialises subscription changes of one device (the per-device limit). */
    void lockDevice(DeviceAddress device);

    void insert(Subscription s);

    /** Unexpired subscriptions of the device, oldest first. */
    List<Subscription> findLive(DeviceAddress device, Instant now);

    Optional<Subscription> findLive(DeviceAddress device, String id, Instant now);

    Optional<Subscription> findLiveByCorrelator(DeviceAddress device, String correlator, Instant now);

    /** Deletes the subscription and cancels its notifications not yet delivered. */
    boolean delete(DeviceAddress device, String id);

    /** Removes the device's expired subscriptions (they no longer exist); returns how many. */
    int purgeExpired(DeviceAddress device, Instant now);
}
