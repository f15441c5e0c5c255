package org.omatwin.core.notify;

import java.net.URI;
import java.time.Instant;

/** One notification to POST to one subscription's notifyURL; {@code id} is its X-Notification-Id. */
public record Delivery(String id, String subscriptionId, URI notifyUrl, String body, int attempts,
        Instant createdAt, Instant eventTime) {}
