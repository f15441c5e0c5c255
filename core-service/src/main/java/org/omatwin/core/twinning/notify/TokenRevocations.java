package org.omatwin.core.twinning.notify;

import java.util.List;
import org.omatwin.core.infra.outbox.OutboxMessage;

/**
 * HLF-TE-004: the tokens issued for a relationship are revoked when it ends. The authorization server
 * is told through the outbox, like every other outgoing message: written with the Deactivated event's
 * fan-out, retried until it answers, so neither a restart of the core nor an authorization server that
 * is down loses the revocation.
 */
public interface TokenRevocations {
    TokenRevocations NONE = event -> List.of();

    /** The messages an event calls for: one revocation for a Deactivated event, none otherwise. */
    List<OutboxMessage> messagesFor(OutboxEvent event);
}
