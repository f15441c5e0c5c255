package org.omatwin.core.twinning.notify;

import org.omatwin.core.twinning.Role;
import org.omatwin.core.twinning.Twinning;
import org.omatwin.core.twinning.TwinningEvent;

/** An event from the log with the relationship it is about, as it was when the event happened. */
public record OutboxEvent(long eventId, TwinningEvent event, Twinning twinning) {

    /** Who is told: both sides of an activation or deactivation, otherwise the side that did not act. */
    public java.util.List<Role> recipients() {
        return switch (event.type()) {
            case ACTIVATED, DEACTIVATED -> java.util.List.of(Role.SECONDARY, Role.PRIMARY);
            case STATUS_CHANGED, RENAMED -> java.util.List.of(event.actorRole().other());
        };
    }
}
