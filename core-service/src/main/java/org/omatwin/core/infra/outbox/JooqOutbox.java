package org.omatwin.core.infra.outbox;

import static org.omatwin.core.infra.storage.SqlTimes.odt;
import static org.omatwin.core.store.schema.Tables.OUTBOX_MESSAGE;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.omatwin.core.store.schema.tables.records.OutboxMessageRecord;

/**
 * The outbox on PostgreSQL. Producers enqueue inside their own transaction (the message commits with
 * the change it reports). Work is claimed with {@code FOR UPDATE SKIP LOCKED} so that several core
 * instances share it; a claimed message is leased by moving its next_attempt_at forward, so a process
 * that dies mid-delivery leaves it to be delivered again (at-least-once).
 */
public final class JooqOutbox {
    private static final String PENDING = "PENDING";

    private final DSLContext db;

    public JooqOutbox(DSLContext db) {
        this.db = db;
    }

    public void enqueue(OutboxMessage m, Instant now) {
        enqueue(m, now, now);
    }

    /** The same, not to be sent before {@code due}. */
    public void enqueue(OutboxMessage m, Instant now, Instant due) {
        db.insertInto(OUTBOX_MESSAGE)
                .set(OUTBOX_MESSAGE.ID, m.id())
                .set(OUTBOX_MESSAGE.SOURCE_EVENT_ID, m.sourceEventId())
                .set(OUTBOX_MESSAGE.QUEUE, m.queue())
                .set(OUTBOX_MESSAGE.ABOUT, m.about())
                .set(OUTBOX_MESSAGE.TARGET_KIND, m.target().kind())
                .set(OUTBOX_MESSAGE.TARGET, m.target().address())
                .set(OUTBOX_MESSAGE.KIND, m.kind())
                .set(OUTBOX_MESSAGE.BODY, m.body())
                .set(OUTBOX_MESSAGE.EVENT_TIME, odt(m.eventTime()))
                .set(OUTBOX_MESSAGE.CREATED_AT, odt(now))
                .set(OUTBOX_MESSAGE.STATE, PENDING)
                .set(OUTBOX_MESSAGE.ATTEMPTS, 0)
                .set(OUTBOX_MESSAGE.NEXT_ATTEMPT_AT, odt(due))
                .execute();
    }

    /**
     * Claims due messages, only the oldest pending one of each queue (order per queue), and leases
     * them until {@code now + lease}.
     */
    public List<Delivery> claimDue(int limit, Instant now, Duration lease) {
        var n = OUTBOX_MESSAGE.as("n");
        var earlier = OUTBOX_MESSAGE.as("earlier");
        List<OutboxMessageRecord> due = db.selectFrom(n)
                .where(n.STATE.eq(PENDING))
                .and(n.NEXT_ATTEMPT_AT.le(odt(now)))
                .andNotExists(DSL.selectOne().from(earlier)
                        .where(earlier.QUEUE.eq(n.QUEUE))
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
        db.update(OUTBOX_MESSAGE)
                .set(OUTBOX_MESSAGE.NEXT_ATTEMPT_AT, odt(now.plus(lease)))
                .set(OUTBOX_MESSAGE.ATTEMPTS, OUTBOX_MESSAGE.ATTEMPTS.plus(1))
                .where(OUTBOX_MESSAGE.ID.in(due.stream().map(OutboxMessageRecord::getId).toList()))
                .execute();
        return due.stream().map(r -> new Delivery(r.getId(), r.getQueue(), Target.of(r.getTargetKind(),
                r.getTarget()), r.getKind(), r.getBody(), r.getAttempts() + 1, r.getCreatedAt().toInstant(),
                r.getEventTime().toInstant())).toList();
    }

    /**
     * A delivered message leaves the outbox: the table then holds only what is pending or parked, so
     * the claim query stays fast whatever has been delivered before.
     */
    public void markDelivered(String id) {
        db.deleteFrom(OUTBOX_MESSAGE).where(OUTBOX_MESSAGE.ID.eq(id)).and(OUTBOX_MESSAGE.STATE.eq(PENDING))
                .execute();
    }

    /** Gave up (after the retry horizon, or refused for good): kept, visible, never retried. */
    public void park(String id, Instant now, String error) {
        db.update(OUTBOX_MESSAGE)
                .set(OUTBOX_MESSAGE.STATE, "PARKED")
                .set(OUTBOX_MESSAGE.FINISHED_AT, odt(now))
                .set(OUTBOX_MESSAGE.LAST_ERROR, truncate(error))
                .where(OUTBOX_MESSAGE.ID.eq(id)).and(OUTBOX_MESSAGE.STATE.eq(PENDING))
                .execute();
    }

    public void scheduleRetry(String id, Instant next, String error) {
        db.update(OUTBOX_MESSAGE)
                .set(OUTBOX_MESSAGE.NEXT_ATTEMPT_AT, odt(next))
                .set(OUTBOX_MESSAGE.LAST_ERROR, truncate(error))
                .where(OUTBOX_MESSAGE.ID.eq(id)).and(OUTBOX_MESSAGE.STATE.eq(PENDING))
                .execute();
    }

    /** Drops the undelivered messages of a queue (its subscription is gone). */
    public void cancelPending(String queue) {
        db.deleteFrom(OUTBOX_MESSAGE)
                .where(OUTBOX_MESSAGE.QUEUE.eq(queue)).and(OUTBOX_MESSAGE.STATE.eq(PENDING))
                .execute();
    }

    /**
     * Withdraws the messages of a queue that no attempt has claimed yet; true when none was claimed
     * (nothing of the queue is on its way).
     */
    public boolean withdrawUnclaimed(String queue) {
        boolean sending = db.fetchExists(db.selectOne().from(OUTBOX_MESSAGE)
                .where(OUTBOX_MESSAGE.QUEUE.eq(queue)).and(OUTBOX_MESSAGE.ATTEMPTS.gt(0)));
        db.deleteFrom(OUTBOX_MESSAGE)
                .where(OUTBOX_MESSAGE.QUEUE.eq(queue))
                .and(OUTBOX_MESSAGE.STATE.eq(PENDING))
                .and(OUTBOX_MESSAGE.ATTEMPTS.eq(0))
                .execute();
        return !sending;
    }

    /** Stored messages by state (pending, parked), for the queue-depth gauge. */
    public Map<String, Integer> countsByState() {
        return db.select(OUTBOX_MESSAGE.STATE, DSL.count())
                .from(OUTBOX_MESSAGE)
                .groupBy(OUTBOX_MESSAGE.STATE)
                .fetchMap(r -> r.value1(), r -> r.value2());
    }


    private static String truncate(String error) {
        return error == null || error.length() <= 500 ? error : error.substring(0, 500);
    }
}
