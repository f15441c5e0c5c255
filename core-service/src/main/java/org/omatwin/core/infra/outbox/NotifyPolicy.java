package org.omatwin.core.infra.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How notifications are delivered: HTTP timeout, retries with exponential backoff and jitter up to a
 * horizon (then the delivery is parked), how many deliveries may be in flight, and which otherwise
 * forbidden callback hosts an operator allows (for example a test listener on loopback).
 */
public record NotifyPolicy(
        Duration httpTimeout,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration retryHorizon,
        int maxInFlight,
        Set<String> allowedPrivateHosts) {

    public static NotifyPolicy defaults() {
        return new NotifyPolicy(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofHours(24), 64, Set.of());
    }

    /** A claimed delivery is someone else's until then (the process holding it may have died). */
    public Duration lease() {
        return httpTimeout.multipliedBy(2).plusSeconds(5);
    }

    /**
     * When to try again after {@code attempts} failed attempts: exponential from the initial backoff,
     * capped, with "equal jitter" (half fixed, half random) so that retries of many deliveries spread.
     */
    public Duration backoff(int attempts) {
        long base = initialBackoff.toMillis();
        long capped = Math.min(maxBackoff.toMillis(), base << Math.min(attempts - 1, 30));
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    /** Whether a retry at {@code next} would still be within the horizon of a delivery created then. */
    public boolean withinHorizon(Instant createdAt, Instant next) {
        return !next.isAfter(createdAt.plus(retryHorizon));
    }
}
