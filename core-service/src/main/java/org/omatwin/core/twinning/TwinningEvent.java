package org.omatwin.core.twinning;

import java.time.Instant;

/**
 * Something that happened to a relationship, recorded in the same transaction as the change.
 *
 * @param origin the partner MNO the change came from; null when one of our devices made it
 */
public record TwinningEvent(
        String twinningId, Type type, Role actorRole, DeviceAddress actor, TwinningStatus status, String name,
        Instant occurredAt, Mno origin) {

    /** The contract's notification event types (TwinningNotification.eventType). */
    public enum Type {
        ACTIVATED("Activated"),
        STATUS_CHANGED("StatusChanged"),
        RENAMED("Renamed"),
        DEACTIVATED("Deactivated");

        private final String omaName;

        Type(String omaName) {
            this.omaName = omaName;
        }

        public String omaName() {
            return omaName;
        }
    }

    /** A change made by one of our devices. */
    public static TwinningEvent of(Twinning t, Type type, Role actorRole, DeviceAddress actor) {
        return new TwinningEvent(t.id(), type, actorRole, actor, t.status(), t.name(), t.statusChangedAt(), null);
    }

    /** A change that a partner MNO made on its side and sent us (HLF-IC-*): notified here, never sent back. */
    public static TwinningEvent fromPartner(Twinning t, Type type, Role actorRole, DeviceAddress actor, Mno partner) {
        return new TwinningEvent(t.id(), type, actorRole, actor, t.status(), t.name(), t.statusChangedAt(), partner);
    }
}
