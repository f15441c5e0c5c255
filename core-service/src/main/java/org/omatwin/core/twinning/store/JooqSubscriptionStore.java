package org.omatwin.core.twinning.store;

import static org.omatwin.core.infra.storage.SqlTimes.odt;
import static org.omatwin.core.store.schema.Tables.SUBSCRIPTION;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.omatwin.core.infra.outbox.JooqOutbox;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.omatwin.core.store.schema.tables.records.SubscriptionRecord;
import org.omatwin.core.twinning.subscription.Subscription;
import org.omatwin.core.twinning.subscription.SubscriptionStore;
import org.omatwin.core.twinning.DeviceAddress;

/** {@link SubscriptionStore} on PostgreSQL through jOOQ. */
public final class JooqSubscriptionStore implements SubscriptionStore {
    private final DSLContext db;

    public JooqSubscriptionStore(DSLContext db) {
        this.db = db;
    }

    @Override
    public void lockDevice(DeviceAddress device) {
        DeviceRows.lock(db, device, Instant.now());
    }

    @Override
    public void insert(Subscription s) {
        db.insertInto(SUBSCRIPTION)
                .set(SUBSCRIPTION.ID, s.id())
                .set(SUBSCRIPTION.DEVICE_ADDRESS, s.device().value())
                .set(SUBSCRIPTION.NOTIFY_URL, s.notifyUrl().toString())
                .set(SUBSCRIPTION.CALLBACK_DATA, s.callbackData())
                .set(SUBSCRIPTION.CLIENT_CORRELATOR, s.clientCorrelator())
                .set(SUBSCRIPTION.DURATION_SECONDS, s.durationSeconds())
                .set(SUBSCRIPTION.EXPIRES_AT, odt(s.expiresAt()))
                .set(SUBSCRIPTION.CREATED_AT, odt(s.createdAt()))
                .execute();
    }

    @Override
    public List<Subscription> findLive(DeviceAddress device, Instant now) {
        return db.selectFrom(SUBSCRIPTION)
                .where(live(device, now))
                .orderBy(SUBSCRIPTION.CREATED_AT, SUBSCRIPTION.ID)
                .fetch(JooqSubscriptionStore::toDomain);
    }

    @Override
    public Optional<Subscription> findLive(DeviceAddress device, String id, Instant now) {
        return db.selectFrom(SUBSCRIPTION)
                .where(live(device, now).and(SUBSCRIPTION.ID.eq(id)))
                .fetchOptional(JooqSubscriptionStore::toDomain);
    }

    @Override
    public Optional<Subscription> findLiveByCorrelator(DeviceAddress device, String correlator, Instant now) {
        return db.selectFrom(SUBSCRIPTION)
                .where(live(device, now).and(SUBSCRIPTION.CLIENT_CORRELATOR.eq(correlator)))
                .fetchOptional(JooqSubscriptionStore::toDomain);
    }

    /** The device's subscriptions that have not expired. */
    private static Condition live(DeviceAddress device, Instant now) {
        return SUBSCRIPTION.DEVICE_ADDRESS.eq(device.value()).and(SUBSCRIPTION.EXPIRES_AT.gt(odt(now)));
    }

    @Override
    public boolean delete(DeviceAddress device, String id) {
        boolean deleted = db.deleteFrom(SUBSCRIPTION)
                .where(SUBSCRIPTION.DEVICE_ADDRESS.eq(device.value()))
                .and(SUBSCRIPTION.ID.eq(id))
                .execute() == 1;
        if (deleted) {
            new JooqOutbox(db).cancelPending(id);
        }
        return deleted;
    }

    @Override
    public int purgeExpired(DeviceAddress device, Instant now) {
        return db.deleteFrom(SUBSCRIPTION)
                .where(SUBSCRIPTION.DEVICE_ADDRESS.eq(device.value()))
                .and(SUBSCRIPTION.EXPIRES_AT.le(odt(now)))
                .execute();
    }

    static Subscription toDomain(SubscriptionRecord r) {
        return new Subscription(r.getId(), new DeviceAddress(r.getDeviceAddress()), URI.create(r.getNotifyUrl()),
                r.getCallbackData(), r.getClientCorrelator(), r.getDurationSeconds(), r.getExpiresAt().toInstant(),
                r.getCreatedAt().toInstant());
    }
}
