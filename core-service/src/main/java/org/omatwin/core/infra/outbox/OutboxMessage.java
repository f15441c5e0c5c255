package org.omatwin.core.infra.outbox;

import java.time.Instant;

/**
 * A message to enqueue in the same transaction as the change it reports. Messages of one
 * {@code queue} are delivered one at a time in the order they were enqueued.
 *
 * @param id sent as {@code X-Notification-Id}, the same on every retry
 * @param about the device or line the message concerns (operators' queries; never read back)
 * @param kind what it says, e.g. "TwinningActivated" or "peer.update"
 * @param sourceEventId the event that produced it, or null
 */
public record OutboxMessage(String id, String queue, Target target, String kind, String body, String about,
        Long sourceEventId, Instant eventTime) {}
