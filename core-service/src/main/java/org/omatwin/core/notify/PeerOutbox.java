package org.omatwin.core.notify;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Mno;

/**
 * Changes that a partner MNO must learn of (HLF-IC-005/006/007) travel through the same outbox as
 * notifications: written when the event is fanned out, delivered in order per relationship, retried
 * until the partner is back. Stored deliveries to a partner have the target {@code peer:MCC-MNC}.
 */
public interface PeerOutbox {
    PeerOutbox NONE = new PeerOutbox() {
        @Override
        public List<PeerMessage> messagesFor(OutboxEvent event) {
            return List.of();
        }

        @Override
        public CompletableFuture<Outcome> send(Mno partner, String body) {
            return CompletableFuture.completedFuture(Outcome.REJECTED);
        }

        @Override
        public Duration retryHorizon() {
            return Duration.ofDays(7);
        }
    };

    /**
     * One message for a partner. Deliveries are ordered per {@code queue}: per relationship, or per
     * activation request for the undo of an activation.
     */
    record PeerMessage(String id, Mno partner, String queue, DeviceAddress localDevice, String kind,
            String body) {
        /** A message about one relationship, queued behind the earlier ones about it. */
        public static PeerMessage about(String twinningId, String id, Mno partner, DeviceAddress localDevice,
                String kind, String body) {
            return new PeerMessage(id, partner, "peer:" + partner.id() + ":" + twinningId, localDevice, kind, body);
        }

        /** The undo of the partner activation {@code requestId}. */
        public static PeerMessage undo(String requestId, String id, Mno partner, DeviceAddress localDevice,
                String body) {
            return new PeerMessage(id, partner, undoQueue(partner, requestId), localDevice, "peer.deactivate", body);
        }

        public URI target() {
            return URI.create("peer:" + partner.id());
        }
    }

    enum Outcome {
        /** The partner applied it (or had nothing left to apply it to). */
        DELIVERED,
        /** The partner refused it for good: retrying cannot help; parked and logged. */
        REJECTED,
        /** Not delivered now (partner unreachable, timeout): retried with backoff. */
        RETRY
    }

    /** The queue of the undo of a partner activation (at most one pending per request). */
    static String undoQueue(Mno partner, String requestId) {
        return "peer:" + partner.id() + ":undo-" + requestId;
    }

    static boolean isPeerTarget(URI target) {
        return "peer".equals(target.getScheme());
    }

    /** The messages an event calls for: none for changes that came from a partner (never sent back). */
    List<PeerMessage> messagesFor(OutboxEvent event);

    CompletableFuture<Outcome> send(Mno partner, String body);

    /** How long a message is retried before it is parked (partners may be down for a while). */
    Duration retryHorizon();
}
