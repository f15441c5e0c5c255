package org.omatwin.core.infra.outbox;

import java.time.Instant;

/**
 * A message claimed for one delivery attempt; {@code id} is its X-Notification-Id, {@code kind} what it
 * says (see {@link OutboxMessage}).
 */
public record Delivery(String id, String queue, Target target, String kind, String body, int attempts,
        Instant createdAt, Instant eventTime) {}
