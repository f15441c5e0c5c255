package org.omatwin.core.dm.subscription;

import java.time.Instant;
import org.omatwin.core.dm.event.DmEvent;
import org.omatwin.core.dm.event.DmEventType;

/**
 * An external system's subscription to device events (section 7): visible and deletable only by the
 * client that made it. Delivery order is kept per subscription (its outbox queue is its id).
 *
 * @param expiresAt null: until deleted
 */
public record DmSubscription(String subscriptionId, String clientId, SubscriptionRequest request, Instant createdAt,
        Instant expiresAt) {

    public boolean isLive(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }

    /**
     * Whether this subscription receives the event, given the device already matched: the event type
     * is one it asked for, an alert is of one of its alert types (none: all), and an event of an
     * operation goes only to the operation's requester.
     *
     * @param alertType the type of the alert behind an alert event, else null
     * @param operationRequester the client that asked for the event's operation, else null
     */
    public boolean receives(DmEvent event, String alertType, String operationRequester) {
        if (!request.eventTypes().contains(event.type())) {
            return false;
        }
        if (event.isPrivate() && !clientId.equals(operationRequester)) {
            return false;
        }
        return event.type() != DmEventType.ALERT || request.alertTypes().isEmpty()
                || request.alertTypes().contains(alertType);
    }
}
