package org.omatwin.core.twinning.subscription;

import org.omatwin.core.infra.outbox.CallbackReference;
import org.omatwin.core.infra.outbox.CallbackTargetPolicy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.infra.storage.Ids;
import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.core.twinning.TwinningPolicy;

/** Subscriptions to twinning events: create (idempotent by clientCorrelator), list, read, cancel. */
public final class SubscriptionUseCases {
    private final Transactions<SubscriptionStore> tx;
    private final Duration defaultDuration;
    private final Duration maxDuration;
    private final int maxPerDevice;
    private final CallbackTargetPolicy targets;
    private final Clock clock;

    public SubscriptionUseCases(Transactions<SubscriptionStore> tx, Duration defaultDuration, Duration maxDuration,
            int maxPerDevice, CallbackTargetPolicy targets, Clock clock) {
        this.tx = tx;
        this.defaultDuration = defaultDuration;
        this.maxDuration = maxDuration;
        this.maxPerDevice = maxPerDevice;
        this.targets = targets;
        this.clock = clock;
    }

    /**
     * @param requestedSeconds null or 0 asks for the server default; longer than the maximum is granted
     *     the maximum (the granted value is returned)
     */
    public Subscription create(DeviceAddress device, String notifyUrl, String callbackData, String format,
            Integer requestedSeconds, String correlator) {
        CallbackReference reference = CallbackReference.of(notifyUrl, callbackData, "callbackReference");
        URI url = reference.notifyUrl();
        targets.check(url);
        if (format != null && !"JSON".equals(format)) {
            throw ApiException.of(ApiError.INVALID_INPUT, "notificationFormat must be JSON",
                    "callbackReference.notificationFormat");
        }
        if (requestedSeconds != null && requestedSeconds < 0) {
            throw ApiException.of(ApiError.INVALID_INPUT, "duration must not be negative", "duration");
        }
        String validCorrelator = TwinningPolicy.validCorrelator(correlator);
        long granted = requestedSeconds == null || requestedSeconds == 0 ? defaultDuration.toSeconds()
                : Math.min(requestedSeconds, maxDuration.toSeconds());
        return tx.inTransaction(store -> {
            Instant now = clock.instant();
            store.lockDevice(device);
            store.purgeExpired(device, now);
            if (validCorrelator != null) {
                var existing = store.findLiveByCorrelator(device, validCorrelator, now);
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            if (store.findLive(device, now).size() >= maxPerDevice) {
                throw ApiException.of(ApiError.POLICY_LIMIT,
                        "a device may have at most " + maxPerDevice + " subscriptions", "subscription");
            }
            Subscription s = new Subscription(Ids.newId(), device, url, callbackData, validCorrelator, (int) granted,
                    now.plusSeconds(granted), now);
            store.insert(s);
            return s;
        });
    }

    public List<Subscription> list(DeviceAddress device) {
        return tx.inTransaction(store -> store.findLive(device, clock.instant()));
    }

    public Subscription get(DeviceAddress device, String id) {
        return tx.inTransaction(store -> store.findLive(device, id, clock.instant()).orElseThrow(() -> notFound(id)));
    }

    public void delete(DeviceAddress device, String id) {
        tx.inTransaction(store -> {
            if (!store.delete(device, id)) {
                throw notFound(id);
            }
            return null;
        });
    }

    private static ApiException notFound(String id) {
        return ApiException.of(ApiError.NOT_FOUND, "no subscription " + id + " for this device", "subscriptionId");
    }
}
