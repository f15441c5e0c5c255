package org.omatwin.core.dm.store;

import static org.omatwin.core.infra.storage.SqlTimes.odt;
import static org.omatwin.core.store.schema.Tables.DM_ALERT;
import static org.omatwin.core.store.schema.Tables.DM_COMMAND;
import static org.omatwin.core.store.schema.Tables.DM_DATA_ITEM;
import static org.omatwin.core.store.schema.Tables.DM_EVENT;
import static org.omatwin.core.store.schema.Tables.DM_JOB_EXECUTION;
import static org.omatwin.core.store.schema.Tables.DM_OPERATION;
import static org.omatwin.core.store.schema.Tables.DM_PACKAGE;
import static org.omatwin.core.store.schema.Tables.DM_SESSION;
import static org.omatwin.core.store.schema.Tables.DM_SIGNED_PACKAGE;
import static org.omatwin.core.store.schema.Tables.DM_UPLOAD;

import java.time.Instant;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.omatwin.core.dm.operation.OperationState;

/**
 * The retention of device-management history ({@code TWIN_DM_RETENTION_DAYS}): each call deletes one
 * bounded batch, in the caller's transaction, of rows that ended before {@code before}; the sweep calls
 * again until a batch comes back short. Rows are locked with {@code SKIP LOCKED}, so instances sweeping
 * at once take different batches.
 *
 * <p>What stays past the period, because something still reports on it: an operation of a job that is
 * still kept (its execution names it; it goes after the job is purged), an operation that installed a
 * package still registered (the package's installations, EI9), and an operation or alert with an event
 * still to fan out (the event names it, its alert or its upload; a later sweep takes it).
 */
public final class JooqDmRetention {
    private static final List<String> FINAL = java.util.Arrays.stream(OperationState.values())
            .filter(OperationState::isFinal).map(Enum::name).toList();

    private final DSLContext db;

    public JooqDmRetention(DSLContext db) {
        this.db = db;
    }

    /**
     * At most {@code limit} ended operations whose deadline (the latest they could have ended) is before
     * {@code before}, with their commands, data items, uploads and alerts; returns how many operations went.
     */
    public int purgeOperations(Instant before, int limit) {
        List<String> ids = db.select(DM_OPERATION.ID).from(DM_OPERATION)
                .where(DM_OPERATION.STATE.in(FINAL)).and(DM_OPERATION.DEADLINE.lt(odt(before)))
                .andNotExists(DSL.selectOne().from(DM_JOB_EXECUTION)
                        .where(DM_JOB_EXECUTION.OPERATION_ID.eq(DM_OPERATION.ID)))
                .andNotExists(DSL.selectOne().from(DM_COMMAND).join(DM_SIGNED_PACKAGE)
                        .on(DM_SIGNED_PACKAGE.ID.eq(DM_COMMAND.PACKAGE_REF))
                        .where(DM_COMMAND.OPERATION_ID.eq(DM_OPERATION.ID)))
                .andNotExists(DSL.selectOne().from(DM_EVENT).where(DM_EVENT.OPERATION_ID.eq(DM_OPERATION.ID)))
                .andNotExists(DSL.selectOne().from(DM_EVENT).join(DM_ALERT)
                        .on(DM_ALERT.RECEIPT_ID.eq(DM_EVENT.ALERT_RECEIPT))
                        .where(DM_ALERT.OPERATION_ID.eq(DM_OPERATION.ID)))
                .andNotExists(DSL.selectOne().from(DM_EVENT).join(DM_UPLOAD).on(DM_UPLOAD.ID.eq(DM_EVENT.UPLOAD_ID))
                        .where(DM_UPLOAD.OPERATION_ID.eq(DM_OPERATION.ID)))
                .orderBy(DM_OPERATION.DEADLINE).limit(limit).forUpdate().skipLocked().fetch(DM_OPERATION.ID);
        if (ids.isEmpty()) {
            return 0;
        }
        String[] batch = ids.toArray(String[]::new);
        db.deleteFrom(DM_ALERT).where(DM_ALERT.OPERATION_ID.eq(DSL.any(batch))).execute();
        db.deleteFrom(DM_UPLOAD).where(DM_UPLOAD.OPERATION_ID.eq(DSL.any(batch))).execute();
        db.deleteFrom(DM_DATA_ITEM).where(DM_DATA_ITEM.OPERATION_ID.eq(DSL.any(batch))).execute();
        db.deleteFrom(DM_COMMAND).where(DM_COMMAND.OPERATION_ID.eq(DSL.any(batch))).execute();
        return db.deleteFrom(DM_OPERATION).where(DM_OPERATION.ID.eq(DSL.any(batch))).execute();
    }

    /** At most {@code limit} sessions that ended before {@code before}, with their packages; returns how many. */
    public int purgeSessions(Instant before, int limit) {
        List<String> ids = db.select(DM_SESSION.ID).from(DM_SESSION)
                .where(DM_SESSION.STATE.eq("ENDED")).and(DM_SESSION.ENDED_AT.lt(odt(before)))
                .orderBy(DM_SESSION.ENDED_AT).limit(limit).forUpdate().skipLocked().fetch(DM_SESSION.ID);
        if (ids.isEmpty()) {
            return 0;
        }
        String[] batch = ids.toArray(String[]::new);
        db.deleteFrom(DM_PACKAGE).where(DM_PACKAGE.SESSION_ID.eq(DSL.any(batch))).execute();
        return db.deleteFrom(DM_SESSION).where(DM_SESSION.ID.eq(DSL.any(batch))).execute();
    }

    /** At most {@code limit} alerts that answered no operation, received before {@code before}; returns how many. */
    public int purgeUnboundAlerts(Instant before, int limit) {
        List<String> ids = db.select(DM_ALERT.RECEIPT_ID).from(DM_ALERT)
                .where(DM_ALERT.OPERATION_ID.isNull()).and(DM_ALERT.RECEIVED_AT.lt(odt(before)))
                .andNotExists(DSL.selectOne().from(DM_EVENT).where(DM_EVENT.ALERT_RECEIPT.eq(DM_ALERT.RECEIPT_ID)))
                .orderBy(DM_ALERT.RECEIVED_AT).limit(limit).forUpdate().skipLocked().fetch(DM_ALERT.RECEIPT_ID);
        if (ids.isEmpty()) {
            return 0;
        }
        return db.deleteFrom(DM_ALERT).where(DM_ALERT.RECEIPT_ID.eq(DSL.any(ids.toArray(String[]::new)))).execute();
    }
}
