package org.omatwin.core.infra.edge;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Request rates per caller at the edge (token buckets in this instance's memory): each caller may send
 * {@code burst} requests at once and {@code perSecond} sustained. Behind a load balancer over n
 * instances a caller gets up to n times its rate; the limit protects each instance and the devices
 * behind it, and a shared counter would cost a database round trip on every request.
 */
public final class RateLimits {
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public RateLimits() {
        this(System::nanoTime);
    }

    RateLimits(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Takes one request of the caller's allowance: {@link Duration#ZERO}, or how long until one is back. */
    public Duration take(String caller, double perSecond, int burst) {
        Bucket b = buckets.computeIfAbsent(caller, k -> new Bucket(burst, nanoTime.getAsLong()));
        synchronized (b) {
            long now = nanoTime.getAsLong();
            b.tokens = Math.min(burst, b.tokens + (now - b.updated) / 1e9 * perSecond);
            b.updated = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return Duration.ZERO;
            }
            return Duration.ofNanos((long) Math.ceil((1 - b.tokens) / perSecond * 1e9));
        }
    }

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }
}
