package org.omatwin.core.dm.subscription;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.omatwin.core.dm.common.DmIds;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.event.DmEventType;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.outbox.CallbackTargetPolicy;
import org.omatwin.core.infra.storage.Transactions;

/**
 * DMWSI event subscriptions (section 7, seed 003 5.6): create (idempotent by clientCorrelator), read,
 * list, delete. Each public method is one transaction; a subscription is visible only to its client
 * (others: 404, as if unknown).
 */
public final class SubscriptionUseCases {
    /** How many devices one subscription may name; more is a job's or a filter's work. */
    public static final int MAX_DEVICES = 1_000;
    public static final int MAX_ALERT_TYPES = 50;
    private static final int MAX_ALERT_TYPE_LENGTH = 300;

    private final Transactions<? extends SubscriptionStore> tx;
    private final CallbackTargetPolicy targets;
    private final int maxPerClient;
    private final Clock clock;

    public SubscriptionUseCases(Transactions<? extends SubscriptionStore> tx, CallbackTargetPolicy targets,
            int maxPerClient, Clock clock) {
        this.tx = tx;
        this.targets = targets;
        this.maxPerClient = maxPerClient;
        this.clock = clock;
    }

    /**
     * Checks the request (the notifyURL against the callback target rules too), then stores it. The
     * same clientCorrelator with the same body answers the existing subscription (created = false);
     * with another body 409 SVC2007. A device named that never talked to the server: 404 SVC0004.
     */
    public Created create(String clientId, SubscriptionRequest request) {
        check(request);
        targets.check(request.callback().notifyUrl());
        return tx.inTransaction(store -> {
            Instant now = clock.instant();
            if (request.clientCorrelator() != null) {
                Optional<DmSubscription> earlier = store.findSubscriptionByCorrelator(clientId,
                        request.clientCorrelator());
                if (earlier.isPresent()) {
                    if (!earlier.get().request().equals(request)) {
                        throw ApiException.of(ApiError.CONFLICT, "clientCorrelator already used with another request",
                                "clientCorrelator");
                    }
                    return new Created(earlier.get(), false);
                }
            }
            for (DevId devId : request.devices()) {
                if (!store.deviceExists(devId)) {
                    throw ApiException.of(ApiError.UNKNOWN_ADDRESS, "no device is known as " + devId.value(),
                            "deviceRef");
                }
            }
            if (store.countSubscriptions(clientId) >= maxPerClient) {
                throw ApiException.rateLimited("a client may have at most " + maxPerClient
                        + " subscriptions: delete one first", Duration.ofMinutes(1), "dmSubscription");
            }
            DmSubscription s = new DmSubscription(DmIds.subscription(), clientId, request, now,
                    request.durationSeconds() == null ? null : now.plusSeconds(request.durationSeconds()));
            store.insertSubscription(s);
            return new Created(s, true);
        });
    }

    public DmSubscription get(String clientId, String subscriptionId) {
        return tx.inTransaction(store -> own(store, clientId, subscriptionId));
    }

    /** The client's live subscriptions, oldest first. */
    public List<DmSubscription> list(String clientId, int offset, int limit) {
        Instant now = clock.instant();
        return tx.inTransaction(store -> store.subscriptionsOf(clientId, offset, limit).stream()
                .filter(s -> s.isLive(now)).toList());
    }

    /** Ends it: no notification is sent for it any more, not even one already queued. */
    public void delete(String clientId, String subscriptionId) {
        tx.inTransaction(store -> {
            own(store, clientId, subscriptionId);
            store.deleteSubscription(subscriptionId);
            return null;
        });
    }

    /** Called periodically by the infrastructure. */
    public int purgeExpired(Instant now) {
        return tx.inTransaction(store -> store.purgeExpiredSubscriptions(now));
    }

    private DmSubscription own(SubscriptionStore store, String clientId, String subscriptionId) {
        Instant now = clock.instant();
        return store.findSubscription(subscriptionId).filter(s -> s.clientId().equals(clientId) && s.isLive(now))
                .orElseThrow(() -> ApiException.of(ApiError.NOT_FOUND, "no subscription " + subscriptionId,
                        "subscriptionId"));
    }

    private static void check(SubscriptionRequest r) {
        if (r.eventTypes().isEmpty()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "dmSubscription.eventTypes is missing",
                    "dmSubscription.eventTypes");
        }
        if (!r.alertTypes().isEmpty() && !r.eventTypes().contains(DmEventType.ALERT)) {
            throw ApiException.of(ApiError.INVALID_INPUT, "alertTypes apply only to the alert event type",
                    "dmSubscription.alertTypes");
        }
        if (r.alertTypes().size() > MAX_ALERT_TYPES
                || r.alertTypes().stream().anyMatch(t -> t.isBlank() || t.length() > MAX_ALERT_TYPE_LENGTH)) {
            throw ApiException.of(ApiError.INVALID_INPUT, "at most " + MAX_ALERT_TYPES
                    + " alertTypes, each 1-" + MAX_ALERT_TYPE_LENGTH + " characters", "dmSubscription.alertTypes");
        }
        if (r.devices().size() > MAX_DEVICES) {
            throw ApiException.of(ApiError.INVALID_INPUT, "at most " + MAX_DEVICES
                    + " deviceRefs; subscribe to all devices instead", "dmSubscription.deviceRefs");
        }
        if (new HashSet<>(r.devices()).size() != r.devices().size()) {
            throw ApiException.of(ApiError.INVALID_INPUT, "a device is named twice", "dmSubscription.deviceRefs");
        }
        if (r.durationSeconds() != null && r.durationSeconds() <= 0) {
            throw ApiException.of(ApiError.INVALID_INPUT, "duration must be positive (absent: until deleted)",
                    "dmSubscription.duration");
        }
        if (r.clientCorrelator() != null && (r.clientCorrelator().isEmpty() || r.clientCorrelator().length() > 256)) {
            throw ApiException.of(ApiError.INVALID_INPUT, "clientCorrelator must be 1-256 characters",
                    "dmSubscription.clientCorrelator");
        }
    }

    /** A subscription and whether this request created it (201) or found it by its clientCorrelator (200). */
    public record Created(DmSubscription subscription, boolean created) {}
}
