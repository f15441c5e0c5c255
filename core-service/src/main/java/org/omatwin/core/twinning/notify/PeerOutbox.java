package org.omatwin.core.twinning.notify;

import java.time.Instant;
import java.util.List;
import org.omatwin.core.infra.outbox.OutboxMessage;
import org.omatwin.core.infra.outbox.Target;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Mno;

/**
 * Changes that a partner MNO must learn of (HLF-IC-005/006/007) travel through the outbox like
 * notifications: written when the event is fanned out, delivered in order per relationship, retried
 * until the partner is back. Their target is the partner ({@link Target.Partner}).
 */
public interface PeerOutbox {
    PeerOutbox NONE = event -> List.of();

    /** The messages an event calls for: none for changes that came from a partner (never sent back). */
    List<OutboxMessage> messagesFor(OutboxEvent event);

    /** A message about one relationship, queued behind the earlier ones about it. */
    static OutboxMessage about(String twinningId, String id, Mno partner, DeviceAddress localDevice, String kind,
            String body, long eventId, Instant eventTime) {
        return new OutboxMessage(id, "peer:" + partner.id() + ":" + twinningId, new Target.Partner(partner.id()), kind,
                body, localDevice.value(), eventId, eventTime);
    }

    /** The undo of the partner activation {@code requestId} (at most one pending per request). */
    static OutboxMessage undo(String requestId, String id, Mno partner, DeviceAddress localDevice, String body,
            Instant now) {
        return new OutboxMessage(id, undoQueue(partner, requestId), new Target.Partner(partner.id()),
                "peer.deactivate", body, localDevice.value(), null, now);
    }

    /** The queue of the undo of a partner activation. */
    static String undoQueue(Mno partner, String requestId) {
        return "peer:" + partner.id() + ":undo-" + requestId;
    }
}
