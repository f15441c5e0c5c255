package org.omatwin.core.twinning.notify;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.omatwin.core.infra.outbox.OutboxMessage;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.subscription.Subscription;

/** The twinning event log as the fan-out reads it, and the outbox it writes to (one transaction). */
public interface TwinningEvents {
    /** Locks up to {@code limit} events not yet fanned out, oldest first, with their relationships. */
    List<OutboxEvent> lockEventsToFanOut(int limit);

    /** The given events with their relationships, in id order. */
    List<OutboxEvent> events(Collection<Long> ids);

    /** Tells every core instance listening which events were committed (on commit). */
    void announce(Collection<Long> eventIds);

    void markFannedOut(Collection<Long> eventIds);

    /** The unexpired subscriptions of the given devices. */
    List<Subscription> liveSubscriptions(Collection<DeviceAddress> devices, Instant now);

    void enqueue(OutboxMessage message, Instant now);

    /** Removes expired subscriptions (they stop and disappear); returns how many. */
    int purgeExpiredSubscriptions(Instant now);
}
