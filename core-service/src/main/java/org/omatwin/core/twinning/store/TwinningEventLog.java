package org.omatwin.core.twinning.store;

import static org.omatwin.core.store.schema.Tables.SUBSCRIPTION;
import static org.omatwin.core.store.schema.Tables.TWINNING;
import static org.omatwin.core.store.schema.Tables.TWINNING_EVENT;
import static org.omatwin.core.infra.storage.SqlTimes.odt;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.omatwin.core.infra.outbox.JooqOutbox;
import org.omatwin.core.infra.outbox.OutboxMessage;
import org.omatwin.core.store.schema.tables.records.TwinningEventRecord;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Twinning;
import org.omatwin.core.twinning.notify.OutboxEvent;
import org.omatwin.core.twinning.notify.TwinningEvents;
import org.omatwin.core.twinning.subscription.Subscription;

/**
 * The twinning event log (written with each state change) as the source of outgoing messages: events
 * are locked in batches with {@code FOR UPDATE SKIP LOCKED}, turned into outbox messages and marked
 * fanned out in one transaction, so several instances share the work and none is sent twice.
 */
public final class TwinningEventLog implements TwinningEvents {
    /** The PostgreSQL channel on which committed event ids are announced to every instance. */
    public static final String CHANNEL = "twinning_events";

    private final DSLContext db;

    public TwinningEventLog(DSLContext db) {
        this.db = db;
    }

    @Override
    public List<OutboxEvent> lockEventsToFanOut(int limit) {
        var events = db.selectFrom(TWINNING_EVENT)
                .where(TWINNING_EVENT.FANNED_OUT.eq(false))
                .orderBy(TWINNING_EVENT.ID)
                .limit(limit)
                .forUpdate()
                .skipLocked()
                .fetch();
        return withTwinnings(events);
    }

    @Override
    public List<OutboxEvent> events(Collection<Long> ids) {
        return withTwinnings(db.selectFrom(TWINNING_EVENT).where(TWINNING_EVENT.ID.in(ids))
                .orderBy(TWINNING_EVENT.ID).fetch());
    }

    private List<OutboxEvent> withTwinnings(org.jooq.Result<TwinningEventRecord> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        Map<String, Twinning> twinnings = db.selectFrom(TWINNING)
                .where(TWINNING.ID.in(events.map(e -> e.getTwinningId())))
                .fetchMap(TWINNING.ID, JooqTwinningStore::toDomain);
        return events.map(e -> new OutboxEvent(e.getId(), JooqTwinningStore.toDomain(e),
                twinnings.get(e.getTwinningId())));
    }

    @Override
    public void announce(Collection<Long> eventIds) {
        String ids = eventIds.stream().map(String::valueOf).collect(Collectors.joining(","));
        db.select(DSL.function("pg_notify", Object.class, DSL.val(CHANNEL), DSL.val(ids))).fetch();
    }

    @Override
    public void markFannedOut(Collection<Long> eventIds) {
        db.update(TWINNING_EVENT).set(TWINNING_EVENT.FANNED_OUT, true).where(TWINNING_EVENT.ID.in(eventIds))
                .execute();
    }

    @Override
    public List<Subscription> liveSubscriptions(Collection<DeviceAddress> devices, Instant now) {
        return db.selectFrom(SUBSCRIPTION)
                .where(SUBSCRIPTION.DEVICE_ADDRESS.in(devices.stream().map(DeviceAddress::value).toList()))
                .and(SUBSCRIPTION.EXPIRES_AT.gt(odt(now)))
                .orderBy(SUBSCRIPTION.CREATED_AT, SUBSCRIPTION.ID)
                .fetch(JooqSubscriptionStore::toDomain);
    }

    @Override
    public void enqueue(OutboxMessage message, Instant now) {
        new JooqOutbox(db).enqueue(message, now);
    }

    @Override
    public int purgeExpiredSubscriptions(Instant now) {
        List<String> expired = db.select(SUBSCRIPTION.ID).from(SUBSCRIPTION)
                .where(SUBSCRIPTION.EXPIRES_AT.le(odt(now)))
                .limit(1000)
                .fetch(SUBSCRIPTION.ID);
        if (expired.isEmpty()) {
            return 0;
        }
        db.deleteFrom(SUBSCRIPTION).where(SUBSCRIPTION.ID.in(expired)).execute();
        return expired.size();
    }
}
