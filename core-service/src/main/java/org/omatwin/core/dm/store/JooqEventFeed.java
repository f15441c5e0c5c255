package org.omatwin.core.dm.store;

import static org.omatwin.core.infra.storage.SqlTimes.instant;
import static org.omatwin.core.store.schema.Tables.DM_EVENT;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.omatwin.core.dm.alert.ReceivedAlert;
import org.omatwin.core.dm.data.Upload;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.Reach;
import org.omatwin.core.dm.event.DmEvent;
import org.omatwin.core.dm.event.DmEventType;
import org.omatwin.core.dm.notify.EventFeed;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.subscription.DmSubscription;
import org.omatwin.core.infra.outbox.JooqOutbox;
import org.omatwin.core.infra.outbox.OutboxMessage;

/** The fan-out's reads and writes on PostgreSQL: the event log (V8), the DM tables, the outbox. */
public final class JooqEventFeed implements EventFeed {
    /** The transaction-level advisory lock that lets one instance at a time fan out DM events. */
    private static final long FAN_OUT_LOCK = 0x646d5f6576656e74L; // "dm_event"

    private final DSLContext db;
    private final JooqDmStore dm;
    private final JooqSubscriptionStore subscriptions;
    private final JooqOutbox outbox;

    public JooqEventFeed(DSLContext db) {
        this.db = db;
        this.dm = new JooqDmStore(db);
        this.subscriptions = new JooqSubscriptionStore(db);
        this.outbox = new JooqOutbox(db);
    }

    @Override
    public List<DmEvent> lockEventsToFanOut(int limit) {
        Boolean mine = db.select(DSL.field("pg_try_advisory_xact_lock({0})", Boolean.class, DSL.val(FAN_OUT_LOCK)))
                .fetchOne(0, Boolean.class);
        if (!Boolean.TRUE.equals(mine)) {
            return List.of();
        }
        return db.selectFrom(DM_EVENT)
                .orderBy(DM_EVENT.SEQ)
                .limit(limit)
                .fetch(r -> new DmEvent(r.getSeq(),
                        DmEventType.fromWire(r.getEventType()).orElseThrow(
                                () -> new IllegalStateException("stored event type " + r.getEventType())),
                        DevId.of(r.getDevId()), r.getOperationId(), r.getAlertReceipt(), r.getUploadId(),
                        instant(r.getOccurredAt())));
    }

    @Override
    public void removeFannedOut(List<Long> seqs) {
        db.deleteFrom(DM_EVENT).where(DM_EVENT.SEQ.in(seqs)).execute();
    }

    @Override
    public Optional<Operation> findOperation(String operationId) {
        return dm.findOperation(operationId);
    }

    @Override
    public Optional<DeviceProfile> findDevice(DevId devId) {
        return dm.findDevice(devId);
    }

    @Override
    public boolean reaches(DevId devId, Reach reach) {
        return dm.reaches(devId, reach);
    }

    @Override
    public Optional<ReceivedAlert> findAlertReceipt(String receiptId) {
        return dm.findAlertReceipt(receiptId);
    }

    @Override
    public Optional<Upload> findUpload(long uploadId) {
        return dm.findUpload(uploadId);
    }

    @Override
    public List<DmSubscription> subscriptionsFor(DevId devId, DmEventType type, Instant now) {
        return subscriptions.subscriptionsFor(devId, type, now);
    }

    @Override
    public int purgeExpiredSubscriptions(Instant now) {
        return subscriptions.purgeExpiredSubscriptions(now);
    }

    @Override
    public void enqueue(OutboxMessage message, Instant now) {
        outbox.enqueue(message, now);
    }
}
