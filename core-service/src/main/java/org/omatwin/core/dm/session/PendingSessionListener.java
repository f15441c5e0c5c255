package org.omatwin.core.dm.session;

/**
 * Told after the transaction that made a session pending has committed. The infrastructure wakes the
 * device's held long poll on every core instance and, for a session still not started 30 s later,
 * asks the operator's gateway through the outbox (section 7); the domain starts no thread and opens
 * no connection.
 */
@FunctionalInterface
public interface PendingSessionListener {
    PendingSessionListener NONE = event -> {};

    void sessionPending(SessionPending event);
}
