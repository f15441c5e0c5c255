package org.omatwin.core.dm.store;

import static org.omatwin.core.infra.storage.SqlTimes.odt;
import static org.omatwin.core.store.schema.Tables.DM_DEVICE;
import static org.omatwin.core.store.schema.Tables.DM_SESSION;

import java.time.Instant;
import java.util.List;
import org.jooq.DSLContext;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.notify.WakeupFeed;
import org.omatwin.core.dm.operation.UiMode;
import org.omatwin.core.dm.session.SessionState;
import org.omatwin.core.infra.outbox.JooqOutbox;
import org.omatwin.core.infra.outbox.OutboxMessage;

/** {@link WakeupFeed} on PostgreSQL: pending sessions claimed with FOR UPDATE SKIP LOCKED, so instances share. */
public final class JooqWakeupFeed implements WakeupFeed {
    private final DSLContext db;
    private final JooqOutbox outbox;

    public JooqWakeupFeed(DSLContext db) {
        this.db = db;
        this.outbox = new JooqOutbox(db);
    }

    @Override
    public List<Unstarted> claimUnstarted(Instant before, int limit) {
        var due = db.select(DM_SESSION.ID, DM_SESSION.DEV_ID, DM_SESSION.UI_MODE)
                .from(DM_SESSION)
                .where(DM_SESSION.STATE.eq(SessionState.PENDING.name()))
                .and(DM_SESSION.GATEWAY_NOTIFIED.isFalse())
                .and(DM_SESSION.CREATED_AT.le(odt(before)))
                .orderBy(DM_SESSION.CREATED_AT)
                .limit(limit)
                .forUpdate().skipLocked()
                .fetch();
        if (due.isEmpty()) {
            return List.of();
        }
        List<String> ids = due.map(r -> r.value1());
        db.update(DM_SESSION).set(DM_SESSION.GATEWAY_NOTIFIED, true).where(DM_SESSION.ID.in(ids)).execute();
        var lines = db.select(DM_DEVICE.DEV_ID, DM_DEVICE.LINE).from(DM_DEVICE)
                .where(DM_DEVICE.DEV_ID.in(due.map(r -> r.value2()))).fetchMap(DM_DEVICE.DEV_ID, DM_DEVICE.LINE);
        return due.map(r -> new Unstarted(r.value1(), DevId.of(r.value2()),
                lines.get(r.value2()) == null ? null : new Line(lines.get(r.value2())), UiMode.valueOf(r.value3())));
    }

    @Override
    public void enqueue(OutboxMessage message, Instant now) {
        outbox.enqueue(message, now);
    }
}
