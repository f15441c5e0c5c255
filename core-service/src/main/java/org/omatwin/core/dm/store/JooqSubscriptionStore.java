package org.omatwin.core.dm.store;

import static org.omatwin.core.infra.storage.SqlTimes.instant;
import static org.omatwin.core.infra.storage.SqlTimes.odt;
import static org.omatwin.core.store.schema.Tables.DM_DEVICE;
import static org.omatwin.core.store.schema.Tables.DM_SUBSCRIPTION;
import static org.omatwin.core.store.schema.Tables.DM_SUBSCRIPTION_DEVICE;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.JSON;
import org.jooq.impl.DSL;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.event.DmEventType;
import org.omatwin.core.dm.subscription.DmSubscription;
import org.omatwin.core.dm.subscription.SubscriptionRequest;
import org.omatwin.core.dm.subscription.SubscriptionStore;
import org.omatwin.core.infra.outbox.CallbackReference;
import org.omatwin.core.infra.outbox.JooqOutbox;
import org.omatwin.core.store.schema.tables.records.DmSubscriptionRecord;

/** DMWSI subscriptions on PostgreSQL (V8). */
public final class JooqSubscriptionStore implements SubscriptionStore {
    private final DSLContext db;

    public JooqSubscriptionStore(DSLContext db) {
        this.db = db;
    }

    @Override
    public boolean deviceExists(DevId devId) {
        return db.fetchExists(DM_DEVICE, DM_DEVICE.DEV_ID.eq(devId.value()));
    }

    @Override
    public void insertSubscription(DmSubscription s) {
        SubscriptionRequest r = s.request();
        db.insertInto(DM_SUBSCRIPTION)
                .set(DM_SUBSCRIPTION.ID, s.subscriptionId())
                .set(DM_SUBSCRIPTION.CLIENT_ID, s.clientId())
                .set(DM_SUBSCRIPTION.NOTIFY_URL, r.callback().notifyUrl().toString())
                .set(DM_SUBSCRIPTION.CALLBACK_DATA, r.callback().callbackData())
                .set(DM_SUBSCRIPTION.EVENT_TYPES, DmJson.strings(r.eventTypes().stream().map(DmEventType::wire).toList()))
                .set(DM_SUBSCRIPTION.ALERT_TYPES, DmJson.strings(List.copyOf(r.alertTypes())))
                .set(DM_SUBSCRIPTION.ALL_DEVICES, r.allDevices())
                .set(DM_SUBSCRIPTION.DURATION_SECONDS, r.durationSeconds())
                .set(DM_SUBSCRIPTION.CLIENT_CORRELATOR, r.clientCorrelator())
                .set(DM_SUBSCRIPTION.CREATED_AT, odt(s.createdAt()))
                .set(DM_SUBSCRIPTION.EXPIRES_AT, odt(s.expiresAt()))
                .execute();
        var insert = db.insertInto(DM_SUBSCRIPTION_DEVICE, DM_SUBSCRIPTION_DEVICE.SUBSCRIPTION_ID,
                DM_SUBSCRIPTION_DEVICE.DEV_ID, DM_SUBSCRIPTION_DEVICE.POSITION);
        for (int i = 0; i < r.devices().size(); i++) {
            insert = insert.values(s.subscriptionId(), r.devices().get(i).value(), i);
        }
        if (!r.devices().isEmpty()) {
            insert.execute();
        }
    }

    @Override
    public Optional<DmSubscription> findSubscription(String subscriptionId) {
        return withDevices(db.selectFrom(DM_SUBSCRIPTION).where(DM_SUBSCRIPTION.ID.eq(subscriptionId)).fetch())
                .stream().findFirst();
    }

    @Override
    public Optional<DmSubscription> findSubscriptionByCorrelator(String clientId, String clientCorrelator) {
        return withDevices(db.selectFrom(DM_SUBSCRIPTION)
                .where(DM_SUBSCRIPTION.CLIENT_ID.eq(clientId))
                .and(DM_SUBSCRIPTION.CLIENT_CORRELATOR.eq(clientCorrelator))
                .fetch()).stream().findFirst();
    }

    @Override
    public List<DmSubscription> subscriptionsOf(String clientId, int offset, int limit) {
        return withDevices(db.selectFrom(DM_SUBSCRIPTION)
                .where(DM_SUBSCRIPTION.CLIENT_ID.eq(clientId))
                .orderBy(DM_SUBSCRIPTION.CREATED_AT, DM_SUBSCRIPTION.ID)
                .offset(offset).limit(limit)
                .fetch());
    }

    @Override
    public int countSubscriptions(String clientId) {
        return db.fetchCount(DM_SUBSCRIPTION, DM_SUBSCRIPTION.CLIENT_ID.eq(clientId));
    }

    @Override
    public void deleteSubscription(String subscriptionId) {
        new JooqOutbox(db).cancelPending(subscriptionId);
        db.deleteFrom(DM_SUBSCRIPTION).where(DM_SUBSCRIPTION.ID.eq(subscriptionId)).execute();
    }

    @Override
    public List<DmSubscription> subscriptionsFor(DevId devId, DmEventType type, Instant now) {
        var named = DSL.exists(DSL.selectOne().from(DM_SUBSCRIPTION_DEVICE)
                .where(DM_SUBSCRIPTION_DEVICE.SUBSCRIPTION_ID.eq(DM_SUBSCRIPTION.ID))
                .and(DM_SUBSCRIPTION_DEVICE.DEV_ID.eq(devId.value())));
        return withDevices(db.selectFrom(DM_SUBSCRIPTION)
                .where(DM_SUBSCRIPTION.ALL_DEVICES.isTrue().or(named))
                .and(DSL.condition("{0} @> cast({1} as jsonb)", DM_SUBSCRIPTION.EVENT_TYPES,
                        DSL.val(DmJson.strings(List.of(type.wire())).data())))
                .and(DM_SUBSCRIPTION.EXPIRES_AT.isNull().or(DM_SUBSCRIPTION.EXPIRES_AT.gt(odt(now))))
                .orderBy(DM_SUBSCRIPTION.ID)
                .fetch());
    }

    /** The client's live subscriptions to an event that is of no device (jobCompleted), whatever devices they name. */
    public List<DmSubscription> clientSubscriptionsFor(String clientId, DmEventType type, Instant now) {
        return withDevices(db.selectFrom(DM_SUBSCRIPTION)
                .where(DM_SUBSCRIPTION.CLIENT_ID.eq(clientId))
                .and(DSL.condition("{0} @> cast({1} as jsonb)", DM_SUBSCRIPTION.EVENT_TYPES,
                        DSL.val(DmJson.strings(List.of(type.wire())).data())))
                .and(DM_SUBSCRIPTION.EXPIRES_AT.isNull().or(DM_SUBSCRIPTION.EXPIRES_AT.gt(odt(now))))
                .orderBy(DM_SUBSCRIPTION.ID)
                .fetch());
    }

    @Override
    public int purgeExpiredSubscriptions(Instant now) {
        List<String> expired = db.select(DM_SUBSCRIPTION.ID).from(DM_SUBSCRIPTION)
                .where(DM_SUBSCRIPTION.EXPIRES_AT.le(odt(now)))
                .limit(500)
                .fetch(DM_SUBSCRIPTION.ID);
        expired.forEach(this::deleteSubscription);
        return expired.size();
    }

    private List<DmSubscription> withDevices(List<DmSubscriptionRecord> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<String> named = rows.stream().filter(r -> !r.getAllDevices()).map(DmSubscriptionRecord::getId).toList();
        Map<String, List<DevId>> devices = named.isEmpty() ? Map.of() : db.selectFrom(DM_SUBSCRIPTION_DEVICE)
                .where(DM_SUBSCRIPTION_DEVICE.SUBSCRIPTION_ID.in(named))
                .orderBy(DM_SUBSCRIPTION_DEVICE.SUBSCRIPTION_ID, DM_SUBSCRIPTION_DEVICE.POSITION)
                .fetch()
                .stream()
                .collect(Collectors.groupingBy(d -> d.getSubscriptionId(),
                        Collectors.mapping(d -> DevId.of(d.getDevId()), Collectors.toList())));
        List<DmSubscription> out = new ArrayList<>();
        for (DmSubscriptionRecord r : rows) {
            SubscriptionRequest request = new SubscriptionRequest(
                    new CallbackReference(URI.create(r.getNotifyUrl()), r.getCallbackData()),
                    types(r.getEventTypes()), new java.util.TreeSet<>(DmJson.strings(r.getAlertTypes())),
                    devices.getOrDefault(r.getId(), List.of()), r.getDurationSeconds(), r.getClientCorrelator());
            out.add(new DmSubscription(r.getId(), r.getClientId(), request, instant(r.getCreatedAt()),
                    instant(r.getExpiresAt())));
        }
        return out;
    }

    private static java.util.Set<DmEventType> types(JSON json) {
        return DmJson.strings(json).stream()
                .map(w -> DmEventType.fromWire(w).orElseThrow(() -> new IllegalStateException("stored event type " + w)))
                .collect(Collectors.toCollection(() -> java.util.EnumSet.noneOf(DmEventType.class)));
    }
}
