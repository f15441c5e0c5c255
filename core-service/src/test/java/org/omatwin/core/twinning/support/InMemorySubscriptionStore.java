package org.omatwin.core.twinning.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.subscription.Subscription;
import org.omatwin.core.twinning.subscription.SubscriptionStore;

/**
 * A working in-memory {@link SubscriptionStore} that behaves like {@code JooqSubscriptionStore}: live
 * means not yet expired, lists are oldest first, ids are unique and so is a device's clientCorrelator
 * (expired rows included, until purged; a violation is SVC2007 as {@code JooqTransactions} reports it).
 * A deletion records the subscription whose pending notifications it cancelled.
 */
public final class InMemorySubscriptionStore implements SubscriptionStore {

    private static final class State {
        final Map<String, Subscription> byId = new LinkedHashMap<>();
        final Set<DeviceAddress> devices = new LinkedHashSet<>();
        final List<String> cancelledNotifications = new ArrayList<>();

        State copy() {
            State c = new State();
            c.byId.putAll(byId);
            c.devices.addAll(devices);
            c.cancelledNotifications.addAll(cancelledNotifications);
            return c;
        }
    }

    private State state = new State();
    private final InMemoryTransactions<SubscriptionStore> tx = new InMemoryTransactions<>(this, () -> {
        State before = state.copy();
        return () -> state = before;
    });

    public InMemoryTransactions<SubscriptionStore> transactions() {
        return tx;
    }

    // --- test inspection (committed state) ---

    /** Every stored subscription, expired ones not yet purged included. */
    public List<Subscription> all() {
        return tx.outside(() -> List.copyOf(state.byId.values()));
    }

    /** Subscriptions whose pending notifications a deletion cancelled, in order. */
    public List<String> cancelledNotifications() {
        return tx.outside(() -> List.copyOf(state.cancelledNotifications));
    }

    // --- SubscriptionStore ---

    @Override
    public void lockDevice(DeviceAddress device) {
        tx.requireActive();
        state.devices.add(device);
    }

    @Override
    public void insert(Subscription s) {
        tx.requireActive();
        Objects.requireNonNull(s.id());
        Objects.requireNonNull(s.device());
        Objects.requireNonNull(s.notifyUrl());
        Objects.requireNonNull(s.expiresAt());
        Objects.requireNonNull(s.createdAt());
        if (state.byId.containsKey(s.id())) {
            throw conflict("subscription_pkey");
        }
        if (s.clientCorrelator() != null && state.byId.values().stream().anyMatch(o -> o.device().equals(s.device())
                && s.clientCorrelator().equals(o.clientCorrelator()))) {
            throw conflict("subscription_correlator");
        }
        state.byId.put(s.id(), s);
    }

    @Override
    public List<Subscription> findLive(DeviceAddress device, Instant now) {
        return select(live(device, now));
    }

    @Override
    public Optional<Subscription> findLive(DeviceAddress device, String id, Instant now) {
        return select(live(device, now).and(s -> s.id().equals(id))).stream().findFirst();
    }

    @Override
    public Optional<Subscription> findLiveByCorrelator(DeviceAddress device, String correlator, Instant now) {
        return select(live(device, now).and(s -> Objects.equals(correlator, s.clientCorrelator())
                && correlator != null)).stream().findFirst();
    }

    @Override
    public boolean delete(DeviceAddress device, String id) {
        tx.requireActive();
        Subscription s = state.byId.get(id);
        if (s == null || !s.device().equals(device)) {
            return false;
        }
        state.byId.remove(id);
        state.cancelledNotifications.add(id);
        return true;
    }

    @Override
    public int purgeExpired(DeviceAddress device, Instant now) {
        tx.requireActive();
        List<String> expired = state.byId.values().stream()
                .filter(s -> s.device().equals(device) && !s.expiresAt().isAfter(now))
                .map(Subscription::id)
                .toList();
        expired.forEach(state.byId::remove);
        return expired.size();
    }

    private static Predicate<Subscription> live(DeviceAddress device, Instant now) {
        return s -> s.device().equals(device) && s.expiresAt().isAfter(now);
    }

    private List<Subscription> select(Predicate<Subscription> where) {
        tx.requireActive();
        return state.byId.values().stream().filter(where)
                .sorted(Comparator.comparing(Subscription::createdAt).thenComparing(Subscription::id))
                .toList();
    }

    private static ApiException conflict(String index) {
        return ApiException.of(ApiError.CONFLICT, "a concurrent request changed the same data, retry (" + index + ")",
                "twinning");
    }
}
