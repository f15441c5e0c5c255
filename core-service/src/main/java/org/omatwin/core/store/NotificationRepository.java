package org.omatwin.core.store;

import static org.omatwin.core.store.JooqTwinningStore.odt;
import static org.omatwin.core.store.schema.Tables.NOTIFICATION;
import static org.omatwin.core.store.schema.Tables.SUBSCRIPTION;
import static org.omatwin.core.store.schema.Tables.TWINNING;
import static org.omatwin.core.store.schema.Tables.TWINNING_EVENT;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.omatwin.core.notify.Delivery;
import org.omatwin.core.notify.OutboxEvent;
import org.omatwin.core.store.schema.tables.Notification;
import org.omatwin.core.store.schema.tables.records.NotificationRecord;
import org.omatwin.core.store.schema.tables.records.TwinningEventRecord;
import org.omatwin.core.subscription.Subscription;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Twinning;

/**
 * The notification outbox on PostgreSQL. Work is claimed with {@code FOR UPDATE SKIP LOCKED} so that
 * several core instances share it; a claimed delivery is leased by moving its next_attempt_at forward,
 * so a process that dies mid-delivery leaves it to be delivered again (at-least-once).
 */
public final class NotificationRepository {
    private static final String PENDING = "PENDING";

    private final DSLContext db;

    public NotificationRepository(DSLContext db) {
        this.db = db;
    }

    /** Locks up to {@code limit} events not yet fanned out, oldest first, with their relationships. */
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

    /** The given events with their relationships, in id order. */
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

    /** Tells every core instance listening (LISTEN twinning_events) which events were committed. */
    public void announce(Collection<Long> eventIds) {
        String ids = eventIds.stream().map(String::valueOf).collect(Collectors.joining(","));
        db.select(DSL.function("pg_notify", Object.class, DSL.val(PgEventListener.CHANNEL), DSL.val(ids))).fetch();
    }

    public void markFannedOut(Collection<Long> eventIds) {
        db.update(TWINNING_EVENT).set(TWINNING_EVENT.FANNED_OUT, true).where(TWINNING_EVENT.ID.in(eventIds))
                .execute();
    }

    /** The unexpired subscriptions of the given devices. */
    public List<Subscription> liveSubscriptions(Collection<DeviceAddress> devices, Instant now) {
        return db.selectFrom(SUBSCRIPTION)
                .where(SUBSCRIPTION.DEVICE_ADDRESS.in(devices.stream().map(DeviceAddress::value).toList()))
                .and(SUBSCRIPTION.EXPIRES_AT.gt(odt(now)))
                .orderBy(SUBSCRIPTION.CREATED_AT, SUBSCRIPTION.ID)
                .fetch(JooqSubscriptionStore::toDomain);
    }

    public void insert(String id, long eventId, Subscription s, String eventType, String body, Instant eventTime,
            Instant now) {
        insertRow(id, eventId, s.id(), s.device().value(), s.notifyUrl().toString(), eventType, body, eventTime, now,
                now);
    }

    /** A message for a partner MNO, queued in order behind the earlier ones about the same relationship. */
    public void insertPeer(org.omatwin.core.notify.PeerOutbox.PeerMessage m, long eventId, Instant eventTime,
            Instant now) {
        insertPeer(m, eventId, eventTime, now, now);
    }

    /** The same, not to be sent before {@code due}. */
    public void insertPeer(org.omatwin.core.notify.PeerOutbox.PeerMessage m, long eventId, Instant eventTime,
            Instant now, Instant due) {
        insertRow(m.id(), eventId, m.queue(), m.localDevice().value(), m.target().toString(), m.kind(), m.body(),
                eventTime, now, due);
    }

    private void insertRow(String id, long eventId, String queue, String device, String target, String eventType,
            String body, Instant eventTime, Instant now, Instant due) {
        db.insertInto(NOTIFICATION)
                .set(NOTIFICATION.ID, id)
                .set(NOTIFICATION.EVENT_ID, eventId)
                .set(NOTIFICATION.SUBSCRIPTION_ID, queue)
                .set(NOTIFICATION.DEVICE_ADDRESS, device)
                .set(NOTIFICATION.NOTIFY_URL, target)
                .set(NOTIFICATION.EVENT_TYPE, eventType)
                .set(NOTIFICATION.BODY, body)
                .set(NOTIFICATION.EVENT_TIME, odt(eventTime))
                .set(NOTIFICATION.CREATED_AT, odt(now))
                .set(NOTIFICATION.STATE, PENDING)
                .set(NOTIFICATION.ATTEMPTS, 0)
                .set(NOTIFICATION.NEXT_ATTEMPT_AT, odt(due))
                .execute();
    }

    /**
     * Claims due deliveries, only the oldest pending one of each subscription (order per subscription),
     * and leases them until {@code now + lease}.
     */
    public List<Delivery> claimDue(int limit, Instant now, Duration lease) {
        Notification n = NOTIFICATION.as("n");
        Notification earlier = NOTIFICATION.as("earlier");
        List<NotificationRecord> due = db.selectFrom(n)
                .where(n.STATE.eq(PENDING))
                .and(n.NEXT_ATTEMPT_AT.le(odt(now)))
                .andNotExists(DSL.selectOne().from(earlier)
                        .where(earlier.SUBSCRIPTION_ID.eq(n.SUBSCRIPTION_ID))
                        .and(earlier.STATE.eq(PENDING))
                        .and(earlier.SEQ.lt(n.SEQ)))
                .orderBy(n.NEXT_ATTEMPT_AT)
                .limit(limit)
                .forUpdate()
                .skipLocked()
                .fetch();
        if (due.isEmpty()) {
            return List.of();
        }
        db.update(NOTIFICATION)
                .set(NOTIFICATION.NEXT_ATTEMPT_AT, odt(now.plus(lease)))
                .set(NOTIFICATION.ATTEMPTS, NOTIFICATION.ATTEMPTS.plus(1))
                .where(NOTIFICATION.ID.in(due.stream().map(NotificationRecord::getId).toList()))
                .execute();
        return due.stream().map(r -> new Delivery(r.getId(), r.getSubscriptionId(), URI.create(r.getNotifyUrl()),
                r.getBody(), r.getAttempts() + 1, r.getCreatedAt().toInstant(), r.getEventTime().toInstant()))
                .collect(Collectors.toList());
    }

    /**
     * A delivered notification leaves the outbox: the table then holds only what is pending or parked,
     * so the claim query stays fast whatever has been delivered before (and on a fresh database whose
     * statistics are not there yet).
     */
    public void markDelivered(String id) {
        db.deleteFrom(NOTIFICATION).where(NOTIFICATION.ID.eq(id)).and(NOTIFICATION.STATE.eq(PENDING)).execute();
    }

    /** Gave up after the retry horizon: kept, visible, never retried. */
    public void park(String id, Instant now, String error) {
        db.update(NOTIFICATION)
                .set(NOTIFICATION.STATE, "PARKED")
                .set(NOTIFICATION.FINISHED_AT, odt(now))
                .set(NOTIFICATION.LAST_ERROR, truncate(error))
                .where(NOTIFICATION.ID.eq(id)).and(NOTIFICATION.STATE.eq(PENDING))
                .execute();
    }

    public void scheduleRetry(String id, Instant next, String error) {
        db.update(NOTIFICATION)
                .set(NOTIFICATION.NEXT_ATTEMPT_AT, odt(next))
                .set(NOTIFICATION.LAST_ERROR, truncate(error))
                .where(NOTIFICATION.ID.eq(id)).and(NOTIFICATION.STATE.eq(PENDING))
                .execute();
    }

    /** Stored notifications by state (pending, parked), for the queue-depth gauge. */
    public Map<String, Integer> countsByState() {
        return db.select(NOTIFICATION.STATE, DSL.count())
                .from(NOTIFICATION)
                .groupBy(NOTIFICATION.STATE)
                .fetchMap(r -> r.value1(), r -> r.value2());
    }

    /** Removes expired subscriptions (they stop and disappear); returns how many. */
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

    /** The subscription is gone: its undelivered notifications are dropped. */
    static void cancelPending(DSLContext db, String subscriptionId) {
        db.deleteFrom(NOTIFICATION)
                .where(NOTIFICATION.SUBSCRIPTION_ID.eq(subscriptionId)).and(NOTIFICATION.STATE.eq(PENDING))
                .execute();
    }

    private static String truncate(String error) {
        return error == null || error.length() <= 500 ? error : error.substring(0, 500);
    }
}
