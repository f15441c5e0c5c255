package org.omatwin.core.twinning.subscription;

import java.net.URI;
import java.time.Instant;
import org.omatwin.core.twinning.DeviceAddress;

/** A device's subscription to its twinning events (contract TwinningSubscription). */
public record Subscription(
        String id,
        DeviceAddress device,
        URI notifyUrl,
        String callbackData,
        String clientCorrelator,
        int durationSeconds,
        Instant expiresAt,
        Instant createdAt) {
}
