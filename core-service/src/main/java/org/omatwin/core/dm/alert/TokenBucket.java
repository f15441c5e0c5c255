package org.omatwin.core.dm.alert;

import java.time.Duration;
import java.time.Instant;

/**
 * A device's alert allowance, stored with the device so every core instance sees the same one:
 * {@code tokens} left at {@code updated}, refilled continuously up to the policy's burst.
 */
public record TokenBucket(double tokens, Instant updated) {

    public static TokenBucket full(AlertPolicy policy, Instant now) {
        return new TokenBucket(policy.burst(), now);
    }

    public TokenBucket refilled(AlertPolicy policy, Instant now) {
        double seconds = Math.max(0, Duration.between(updated, now).toNanos() / 1e9);
        return new TokenBucket(Math.min(policy.burst(), tokens + seconds * policy.perSecond()), now);
    }

    public boolean hasToken() {
        return tokens >= 1;
    }

    public TokenBucket take() {
        return new TokenBucket(tokens - 1, updated);
    }

    /** How long until one token is back (for Retry-After), at least a second. */
    public Duration untilNextToken(AlertPolicy policy) {
        double seconds = (1 - tokens) / policy.perSecond();
        return Duration.ofSeconds(Math.max(1, (long) Math.ceil(seconds)));
    }
}
