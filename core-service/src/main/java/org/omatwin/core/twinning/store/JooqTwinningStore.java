package org.omatwin.core.twinning.store;

import static org.omatwin.core.infra.storage.SqlTimes.odt;
import static org.omatwin.core.infra.storage.SqlTimes.instant;
import static org.omatwin.core.store.schema.Tables.ACTIVATION_ATTEMPT;
import static org.omatwin.core.store.schema.Tables.TWINNING;
import static org.omatwin.core.store.schema.Tables.TWINNING_EVENT;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.omatwin.core.infra.outbox.JooqOutbox;
import org.omatwin.core.infra.storage.RenderedQuery;
import org.omatwin.core.twinning.notify.PeerOutbox;
import org.jooq.DSLContext;
import org.omatwin.core.twinning.activation.AttemptWindow;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.store.schema.tables.records.TwinningEventRecord;
import org.omatwin.core.store.schema.tables.records.TwinningRecord;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Mno;
import org.omatwin.core.twinning.Role;
import org.omatwin.core.twinning.Twinning;
import org.omatwin.core.twinning.TwinningEvent;
import org.omatwin.core.twinning.TwinningStatus;
import org.omatwin.core.twinning.TwinningStore;

/** {@link TwinningStore} on PostgreSQL through jOOQ; bound to one transaction's {@link DSLContext}. */
public final class JooqTwinningStore implements TwinningStore {
    // The reads on every request path (a device's list and reads, a twinning token's revocation check, the
    // toggle's lock) are rendered once: see RenderedQuery.
    private static final RenderedQuery BY_ID = RenderedQuery.of(dsl -> dsl.selectFrom(TWINNING)
            .where(TWINNING.ID.eq(RenderedQuery.arg("id"))), "id");
    private static final RenderedQuery BY_ID_FOR_UPDATE = RenderedQuery.of(dsl -> dsl.selectFrom(TWINNING)
            .where(TWINNING.ID.eq(RenderedQuery.arg("id"))).forUpdate(), "id");
    private static final RenderedQuery VISIBLE_TO = RenderedQuery.of(dsl -> {
        // Two index scans (secondary, primary) OR-ed; secondary first, then the primary's by activation.
        var device = RenderedQuery.arg("device");
        return dsl.selectFrom(TWINNING)
                .where(TWINNING.SECONDARY_ADDRESS.eq(device)
                        .and(TWINNING.STATUS.ne(TwinningStatus.DEACTIVATED.name())))
                .or(TWINNING.PRIMARY_ADDRESS.eq(device)
                        .and(TWINNING.STATUS.in(TwinningStatus.ON.name(), TwinningStatus.OFF.name())))
                .orderBy(org.jooq.impl.DSL.when(TWINNING.SECONDARY_ADDRESS.eq(device), 0).otherwise(1),
                        TWINNING.ACTIVATED_AT, TWINNING.ID);
    }, "device");
    private static final RenderedQuery.Row<RenderedQuery.Columns> COLUMNS = RenderedQuery.columns(TWINNING);
    private static final RenderedQuery.Row<Twinning> ROW = rs -> toDomain(COLUMNS.map(rs)::get);

    private final DSLContext db;

    public JooqTwinningStore(DSLContext db) {
        this.db = db;
    }

    @Override
    public void lockDevice(DeviceAddress device, Instant now) {
        DeviceRows.lock(db, device, now);
    }

    @Override
    public Optional<Twinning> findById(String id) {
        return BY_ID.list(db, ROW, id).stream().findFirst();
    }

    @Override
    public Optional<Twinning> findByIdForUpdate(String id) {
        return BY_ID_FOR_UPDATE.list(db, ROW, id).stream().findFirst();
    }

    @Override
    public Optional<Twinning> findLiveBySecondary(DeviceAddress secondary) {
        return db.selectFrom(TWINNING)
                .where(TWINNING.SECONDARY_ADDRESS.eq(secondary.value()))
                .and(TWINNING.STATUS.ne(TwinningStatus.DEACTIVATED.name()))
                .fetchOptional()
                .map(JooqTwinningStore::toDomain);
    }

    @Override
    public List<Twinning> findVisibleTo(DeviceAddress device) {
        return VISIBLE_TO.list(db, ROW, device.value());
    }

    @Override
    public List<Twinning> findActiveByPrimary(DeviceAddress primary) {
        return db.selectFrom(TWINNING)
                .where(TWINNING.PRIMARY_ADDRESS.eq(primary.value()))
                .and(TWINNING.STATUS.in(TwinningStatus.ON.name(), TwinningStatus.OFF.name()))
                .orderBy(TWINNING.ACTIVATED_AT, TWINNING.ID)
                .fetch(JooqTwinningStore::toDomain);
    }

    @Override
    public boolean isActivePrimary(DeviceAddress device) {
        return db.fetchExists(db.selectOne().from(TWINNING)
                .where(TWINNING.PRIMARY_ADDRESS.eq(device.value()))
                .and(TWINNING.STATUS.in(TwinningStatus.ON.name(), TwinningStatus.OFF.name())));
    }

    @Override
    public Optional<Twinning> findPendingByCodeHashForUpdate(String codeHash) {
        return db.selectFrom(TWINNING)
                .where(TWINNING.CODE_HASH.eq(codeHash))
                .and(TWINNING.STATUS.eq(TwinningStatus.PENDING.name()))
                .forUpdate()
                .fetchOptional()
                .map(JooqTwinningStore::toDomain);
    }

    @Override
    public void releaseExpiredCode(String codeHash, Instant now) {
        db.update(TWINNING)
                .setNull(TWINNING.CODE_HASH)
                .setNull(TWINNING.CODE_SEALED)
                .where(TWINNING.CODE_HASH.eq(codeHash))
                .and(TWINNING.CODE_EXPIRES_AT.le(odt(now)))
                .execute();
    }

    @Override
    public boolean isCodeHashInUse(String codeHash) {
        return db.fetchExists(db.selectOne().from(TWINNING).where(TWINNING.CODE_HASH.eq(codeHash)));
    }

    @Override
    public Optional<Twinning> findActiveByPrimaryCorrelator(DeviceAddress primary, String correlator) {
        return db.selectFrom(TWINNING)
                .where(TWINNING.PRIMARY_ADDRESS.eq(primary.value()))
                .and(TWINNING.PRIMARY_CORRELATOR.eq(correlator))
                .and(TWINNING.STATUS.in(TwinningStatus.ON.name(), TwinningStatus.OFF.name()))
                .fetchOptional()
                .map(JooqTwinningStore::toDomain);
    }

    @Override
    public Optional<Twinning> findLiveByActivationForUpdate(DeviceAddress primary, String activationRequestId) {
        return db.selectFrom(TWINNING)
                .where(TWINNING.PRIMARY_ADDRESS.eq(primary.value()))
                .and(TWINNING.PEER_ACTIVATION_ID.eq(activationRequestId))
                .and(TWINNING.STATUS.ne(TwinningStatus.DEACTIVATED.name()))
                .forUpdate()
                .fetchOptional()
                .map(JooqTwinningStore::toDomain);
    }

    @Override
    public boolean withdrawPeerUndo(Mno partner, String requestId) {
        // Claimed ones (attempts > 0) are on their way; delivered ones are gone already.
        return new JooqOutbox(db).withdrawUnclaimed(PeerOutbox.undoQueue(partner, requestId));
    }

    @Override
    public int countPendingCodesFor(Mno partner, Instant now) {
        return db.fetchCount(TWINNING, TWINNING.STATUS.eq(TwinningStatus.PENDING.name())
                .and(TWINNING.SECONDARY_MCC.eq(partner.mcc()))
                .and(TWINNING.SECONDARY_MNC.eq(partner.mnc()))
                .and(TWINNING.CODE_EXPIRES_AT.gt(odt(now))));
    }

    @Override
    public void insert(Twinning t) {
        TwinningRecord r = db.newRecord(TWINNING);
        fill(r, t);
        r.setVersion(t.version());
        r.insert();
    }

    @Override
    public Twinning update(Twinning t) {
        TwinningRecord r = db.newRecord(TWINNING);
        fill(r, t);
        r.setVersion(t.version() + 1);
        r.changed(TWINNING.ID, false);
        int rows = db.update(TWINNING)
                .set(r)
                .where(TWINNING.ID.eq(t.id()))
                .and(TWINNING.VERSION.eq(t.version()))
                .execute();
        if (rows != 1) {
            throw ApiException.of(ApiError.CONFLICT, "the twinning was changed by another request", t.id());
        }
        return toDomain(r);
    }

    @Override
    public void appendEvent(TwinningEvent e) {
        db.insertInto(TWINNING_EVENT)
                .set(TWINNING_EVENT.TWINNING_ID, e.twinningId())
                .set(TWINNING_EVENT.EVENT_TYPE, e.type().name())
                .set(TWINNING_EVENT.ACTOR_ROLE, e.actorRole().name())
                .set(TWINNING_EVENT.ACTOR, e.actor().value())
                .set(TWINNING_EVENT.STATUS, e.status().name())
                .set(TWINNING_EVENT.NAME, e.name())
                .set(TWINNING_EVENT.OCCURRED_AT, odt(e.occurredAt()))
                .set(TWINNING_EVENT.ORIGIN_MNO, e.origin() == null ? null : e.origin().id())
                .execute();
    }

    static TwinningEvent toDomain(TwinningEventRecord r) {
        return new TwinningEvent(r.getTwinningId(), TwinningEvent.Type.valueOf(r.getEventType()),
                Role.valueOf(r.getActorRole()), new DeviceAddress(r.getActor()),
                TwinningStatus.valueOf(r.getStatus()), r.getName(), r.getOccurredAt().toInstant(),
                r.getOriginMno() == null ? null : Mno.parse(r.getOriginMno()));
    }

    @Override
    public Optional<AttemptWindow> attempts(DeviceAddress device) {
        return db.selectFrom(ACTIVATION_ATTEMPT)
                .where(ACTIVATION_ATTEMPT.DEVICE_ADDRESS.eq(device.value()))
                .fetchOptional(r -> new AttemptWindow(r.getWindowStartedAt().toInstant(), r.getFailures()));
    }

    @Override
    public void saveAttempts(DeviceAddress device, AttemptWindow w) {
        db.insertInto(ACTIVATION_ATTEMPT)
                .set(ACTIVATION_ATTEMPT.DEVICE_ADDRESS, device.value())
                .set(ACTIVATION_ATTEMPT.WINDOW_STARTED_AT, odt(w.startedAt()))
                .set(ACTIVATION_ATTEMPT.FAILURES, w.failures())
                .onConflict(ACTIVATION_ATTEMPT.DEVICE_ADDRESS)
                .doUpdate()
                .set(ACTIVATION_ATTEMPT.WINDOW_STARTED_AT, odt(w.startedAt()))
                .set(ACTIVATION_ATTEMPT.FAILURES, w.failures())
                .execute();
    }

    private static void fill(TwinningRecord r, Twinning t) {
        r.setId(t.id());
        r.setSecondaryAddress(t.secondary().value());
        r.setPrimaryAddress(t.primary() == null ? null : t.primary().value());
        r.setStatus(t.status().name());
        r.setName(t.name());
        Twinning.PendingCode code = t.code();
        r.setCodeHash(code == null ? null : code.hash());
        r.setCodeMcc(code == null ? null : code.issuer().mcc());
        r.setCodeMnc(code == null ? null : code.issuer().mnc());
        r.setCodeExpiresAt(code == null ? null : odt(code.expiresAt()));
        r.setCodeSealed(code == null ? null : code.sealed());
        r.setSecondaryCorrelator(t.secondaryCorrelator());
        r.setPrimaryCorrelator(t.primaryCorrelator());
        r.setSecondaryMcc(t.secondaryMno() == null ? null : t.secondaryMno().mcc());
        r.setSecondaryMnc(t.secondaryMno() == null ? null : t.secondaryMno().mnc());
        r.setPrimaryMcc(t.primaryMno() == null ? null : t.primaryMno().mcc());
        r.setPrimaryMnc(t.primaryMno() == null ? null : t.primaryMno().mnc());
        r.setPrimaryVmAddress(t.primaryVoiceMailAddress() == null ? null : t.primaryVoiceMailAddress().value());
        r.setAuthCode(t.authCode() == null ? null : t.authCode().value());
        r.setAuthCodeExpiresAt(t.authCode() == null ? null : odt(t.authCode().expiresAt()));
        r.setCreatedAt(odt(t.createdAt()));
        r.setActivatedAt(odt(t.activatedAt()));
        r.setStatusChangedAt(odt(t.statusChangedAt()));
        r.setDeactivatedAt(odt(t.deactivatedAt()));
        r.setPeerActivationId(t.peer().activationRequestId());
        r.setPrimaryEndpoints(t.peer().primaryEndpoints().isEmpty() ? null
                : PeerEndpoints.write(t.peer().primaryEndpoints()));
    }

    /** A row of the twinning table: a jOOQ record, or the columns of a plain query. */
    private interface Row {
        <T> T get(org.jooq.Field<T> column);
    }

    static Twinning toDomain(TwinningRecord r) {
        return toDomain((Row) r::get);
    }

    private static Twinning toDomain(Row r) {
        Twinning.PendingCode code = r.get(TWINNING.CODE_HASH) == null ? null
                : new Twinning.PendingCode(r.get(TWINNING.CODE_HASH),
                        new Mno(r.get(TWINNING.CODE_MCC), r.get(TWINNING.CODE_MNC)),
                        r.get(TWINNING.CODE_EXPIRES_AT).toInstant(), r.get(TWINNING.CODE_SEALED));
        Twinning.AuthCode authCode = r.get(TWINNING.AUTH_CODE) == null ? null
                : new Twinning.AuthCode(r.get(TWINNING.AUTH_CODE), r.get(TWINNING.AUTH_CODE_EXPIRES_AT).toInstant());
        return new Twinning(
                r.get(TWINNING.ID),
                new DeviceAddress(r.get(TWINNING.SECONDARY_ADDRESS)),
                address(r.get(TWINNING.PRIMARY_ADDRESS)),
                TwinningStatus.valueOf(r.get(TWINNING.STATUS)),
                r.get(TWINNING.NAME),
                code,
                r.get(TWINNING.SECONDARY_CORRELATOR),
                r.get(TWINNING.PRIMARY_CORRELATOR),
                mno(r.get(TWINNING.SECONDARY_MCC), r.get(TWINNING.SECONDARY_MNC)),
                mno(r.get(TWINNING.PRIMARY_MCC), r.get(TWINNING.PRIMARY_MNC)),
                address(r.get(TWINNING.PRIMARY_VM_ADDRESS)),
                authCode,
                r.get(TWINNING.CREATED_AT).toInstant(),
                instant(r.get(TWINNING.ACTIVATED_AT)),
                instant(r.get(TWINNING.STATUS_CHANGED_AT)),
                instant(r.get(TWINNING.DEACTIVATED_AT)),
                r.get(TWINNING.VERSION),
                new Twinning.PeerLink(r.get(TWINNING.PEER_ACTIVATION_ID),
                        PeerEndpoints.read(r.get(TWINNING.PRIMARY_ENDPOINTS))));
    }

    private static DeviceAddress address(String value) {
        return value == null ? null : new DeviceAddress(value);
    }

    private static Mno mno(String mcc, String mnc) {
        return mcc == null ? null : new Mno(mcc, mnc);
    }


}
