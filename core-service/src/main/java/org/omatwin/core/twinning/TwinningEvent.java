package org.omatwin.core.twinning;

import java.time.Instant;

/** Something that happened to a relationship, recorded in the same transaction as the change. */
public record TwinningEvent(
        String twinningId, Type type, Role actorRole, DeviceAddress actor, TwinningStatus status, String name,
        Instant occurredAt) {

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

    public static TwinningEvent of(Twinning t, Type type, Role actorRole, DeviceAddress actor) {
        return new TwinningEvent(t.id(), type, actorRole, actor, t.status(), t.name(), t.statusChangedAt());
    }
}
