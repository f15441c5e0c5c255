package org.omatwin.core.dm.subscription;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.event.DmEventType;
import org.omatwin.core.infra.outbox.CallbackReference;

/**
 * The body of {@code POST /dmwsi/v1/subscriptions} (root {@code dmSubscription}, section 7) after the
 * edge resolved each deviceRef. Compares by value, so that a retry with the same clientCorrelator is
 * recognised as the same body: event types and alert types are kept sorted, devices in the given order.
 *
 * @param devices none: every device the client reaches
 * @param alertTypes only with the alert event type; none: every alert type
 * @param durationSeconds absent: until deleted
 */
public record SubscriptionRequest(CallbackReference callback, Set<DmEventType> eventTypes, Set<String> alertTypes,
        List<DevId> devices, Integer durationSeconds, String clientCorrelator) {

    public SubscriptionRequest {
        Objects.requireNonNull(callback, "callback");
        eventTypes = Collections.unmodifiableSet(new TreeSet<>(eventTypes));
        alertTypes = Collections.unmodifiableSet(new TreeSet<>(alertTypes == null ? Set.of() : alertTypes));
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    public boolean allDevices() {
        return devices.isEmpty();
    }
}
