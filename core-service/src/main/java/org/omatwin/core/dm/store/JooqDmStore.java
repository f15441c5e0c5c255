package org.omatwin.core.dm.store;

import static org.omatwin.core.infra.storage.SqlTimes.odt;
import static org.omatwin.core.infra.storage.SqlTimes.instant;
import static org.jooq.impl.DSL.excluded;
import static org.omatwin.core.store.schema.Sequences.DM_OPERATION_SEQ;
import static org.omatwin.core.store.schema.Tables.DM_ALERT;
import static org.omatwin.core.store.schema.Tables.DM_COMMAND;
import static org.omatwin.core.store.schema.Tables.DM_DATA_ITEM;
import static org.omatwin.core.store.schema.Tables.DM_DEVICE;
import static org.omatwin.core.store.schema.Tables.DM_EVENT;
import static org.omatwin.core.store.schema.Tables.DM_NODE_VALUE;
import static org.omatwin.core.store.schema.Tables.DM_OPERATION;
import static org.omatwin.core.store.schema.Tables.DM_PACKAGE;
import static org.omatwin.core.store.schema.Tables.DM_SESSION;
import static org.omatwin.core.store.schema.Tables.DM_SIGNED_PACKAGE;
import static org.omatwin.core.store.schema.Tables.DM_TRANSACTION;
import static org.omatwin.core.store.schema.Tables.DM_UPLOAD;
import static org.omatwin.core.store.schema.Tables.SUBSCRIBER_LINE;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.omatwin.core.dm.DmStore;
import org.omatwin.core.dm.alert.Alert;
import org.omatwin.core.dm.alert.AlertMark;
import org.omatwin.core.dm.alert.ReceivedAlert;
import org.omatwin.core.dm.alert.TokenBucket;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.command.CommandOp;
import org.omatwin.core.dm.data.DataItem;
import org.omatwin.core.dm.data.Upload;
import org.omatwin.core.dm.device.DevDetail;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceFilter;
import org.omatwin.core.dm.device.Reach;
import org.omatwin.core.dm.audit.Transaction;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.device.DevInfo;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.NodeValue;
import org.omatwin.core.dm.event.DmEvent;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationState;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.dm.operation.SessionMode;
import org.omatwin.core.dm.operation.UiMode;
import org.omatwin.core.dm.pkg.Installation;
import org.omatwin.core.dm.pkg.PackageKind;
import org.omatwin.core.dm.pkg.PackageMetadata;
import org.omatwin.core.dm.pkg.PackageState;
import org.omatwin.core.dm.pkg.PackageTargets;
import org.omatwin.core.dm.pkg.SignedPackage;
import org.omatwin.core.dm.session.Session;
import org.omatwin.core.dm.session.SessionPackage;
import org.omatwin.core.dm.session.SessionResult;
import org.omatwin.core.dm.session.SessionState;
import org.omatwin.core.store.schema.tables.records.DmAlertRecord;
import org.omatwin.core.store.schema.tables.records.DmCommandRecord;
import org.omatwin.core.store.schema.tables.records.DmDataItemRecord;
import org.omatwin.core.store.schema.tables.records.DmDeviceRecord;
import org.omatwin.core.store.schema.tables.records.DmNodeValueRecord;
import org.omatwin.core.store.schema.tables.records.DmOperationRecord;
import org.omatwin.core.store.schema.tables.records.DmPackageRecord;
import org.omatwin.core.store.schema.tables.records.DmSessionRecord;
import org.omatwin.core.store.schema.tables.records.DmSignedPackageRecord;
import org.omatwin.core.store.schema.tables.records.DmUploadRecord;

/**
 * {@link DmStore} on PostgreSQL through jOOQ (schema V7); bound to one transaction's
 * {@link DSLContext}. Rows map to the domain records exactly as the in-memory store keeps them; an
 * update of a row that does not exist is a bug and throws {@link IllegalStateException}, like there.
 */
public class JooqDmStore implements DmStore {
    /** The PostgreSQL channel announcing, on commit, that DM events were recorded. */
    public static final String EVENTS_CHANNEL = "dm_events";
    private static final List<String> OPEN_STATES = List.of(OperationState.QUEUED.name(),
            OperationState.DELIVERED.name());

    private final DSLContext db;

    public JooqDmStore(DSLContext db) {
        this.db = db;
    }

    // devices

    @Override
    public void lockDevice(DevId devId, Instant now) {
        // Upsert, then lock: the first use case on a new device creates its row (a concurrent one waits
        // on the insert), and every later one queues on the row lock until the holder commits.
        db.insertInto(DM_DEVICE)
                .set(DM_DEVICE.DEV_ID, devId.value())
                .set(DM_DEVICE.SUPPORTED_MOS, DmJson.strings(List.of()))
                .set(DM_DEVICE.CREATED_AT, odt(now))
                .onConflict(DM_DEVICE.DEV_ID).doNothing()
                .execute();
        db.select(DM_DEVICE.DEV_ID).from(DM_DEVICE).where(DM_DEVICE.DEV_ID.eq(devId.value())).forUpdate().fetch();
    }

    @Override
    public Optional<DeviceProfile> findDevice(DevId devId) {
        return db.selectFrom(DM_DEVICE).where(DM_DEVICE.DEV_ID.eq(devId.value())).fetchOptional()
                .map(JooqDmStore::toProfile);
    }

    @Override
    public void saveDevice(DeviceProfile p) {
        DevInfo i = p.devInfo();
        DevDetail d = p.devDetail();
        db.insertInto(DM_DEVICE)
                .set(DM_DEVICE.DEV_ID, p.devId().value())
                .set(DM_DEVICE.MAN, i.man()).set(DM_DEVICE.MOD, i.mod())
                .set(DM_DEVICE.DM_V, i.dmV()).set(DM_DEVICE.LANG, i.lang())
                .set(DM_DEVICE.DEV_TYP, d.devTyp()).set(DM_DEVICE.OEM, d.oem())
                .set(DM_DEVICE.FW_V, d.fwV()).set(DM_DEVICE.SW_V, d.swV()).set(DM_DEVICE.HW_V, d.hwV())
                .set(DM_DEVICE.SUPPORTED_MOS, DmJson.strings(p.supportedMOs()))
                .set(DM_DEVICE.LINE, p.line() == null ? null : p.line().value())
                .set(DM_DEVICE.LAST_SEEN, odt(p.lastSeen()))
                // normally the row exists (lockDevice came first); otherwise it is created now
                .set(DM_DEVICE.CREATED_AT, DSL.currentOffsetDateTime())
                .onConflict(DM_DEVICE.DEV_ID).doUpdate()
                .set(DM_DEVICE.MAN, excluded(DM_DEVICE.MAN)).set(DM_DEVICE.MOD, excluded(DM_DEVICE.MOD))
                .set(DM_DEVICE.DM_V, excluded(DM_DEVICE.DM_V)).set(DM_DEVICE.LANG, excluded(DM_DEVICE.LANG))
                .set(DM_DEVICE.DEV_TYP, excluded(DM_DEVICE.DEV_TYP)).set(DM_DEVICE.OEM, excluded(DM_DEVICE.OEM))
                .set(DM_DEVICE.FW_V, excluded(DM_DEVICE.FW_V)).set(DM_DEVICE.SW_V, excluded(DM_DEVICE.SW_V))
                .set(DM_DEVICE.HW_V, excluded(DM_DEVICE.HW_V))
                .set(DM_DEVICE.SUPPORTED_MOS, excluded(DM_DEVICE.SUPPORTED_MOS))
                .set(DM_DEVICE.LINE, excluded(DM_DEVICE.LINE))
                .set(DM_DEVICE.LAST_SEEN, excluded(DM_DEVICE.LAST_SEEN))
                .execute();
    }

    @Override
    public Optional<DevId> deviceOnLine(Line line) {
        return db.select(DM_DEVICE.DEV_ID).from(DM_DEVICE)
                .where(DM_DEVICE.LINE.eq(line.value())).and(DM_DEVICE.LAST_SEEN.isNotNull())
                .orderBy(DM_DEVICE.LAST_SEEN.desc(), DM_DEVICE.DEV_ID).limit(1)
                .fetchOptional(r -> DevId.of(r.value1()));
    }

    @Override
    public List<DeviceProfile> devices(DeviceFilter filter, Reach reach, DevId after, int limit) {
        return db.selectFrom(DM_DEVICE)
                .where(DM_DEVICE.LAST_SEEN.isNotNull())
                .and(after == null ? DSL.noCondition() : DM_DEVICE.DEV_ID.gt(after.value()))
                .and(filter == null ? DSL.noCondition() : DeviceFilterSql.condition(filter))
                .and(DeviceFilterSql.condition(reach))
                .orderBy(DM_DEVICE.DEV_ID).limit(limit)
                .fetch(JooqDmStore::toProfile);
    }

    @Override
    public boolean reaches(DevId devId, Reach reach) {
        return reach instanceof Reach.All || db.fetchExists(db.selectOne().from(DM_DEVICE)
                .where(DM_DEVICE.DEV_ID.eq(devId.value())).and(DeviceFilterSql.condition(reach)));
    }

    @Override
    public void putNodeValues(DevId devId, List<NodeValue> values) {
        // One row per uri: the last value given for a uri wins, as one statement cannot touch a row twice.
        Map<String, NodeValue> byUri = new LinkedHashMap<>();
        values.forEach(v -> byUri.put(v.uri(), v));
        if (byUri.isEmpty()) {
            return;
        }
        var insert = db.insertInto(DM_NODE_VALUE, DM_NODE_VALUE.DEV_ID, DM_NODE_VALUE.URI, DM_NODE_VALUE.FORMAT,
                DM_NODE_VALUE.VALUE, DM_NODE_VALUE.REPORTED_AT);
        for (NodeValue v : byUri.values()) {
            insert = insert.values(devId.value(), v.uri(), v.format(), v.value(), odt(v.time()));
        }
        insert.onConflict(DM_NODE_VALUE.DEV_ID, DM_NODE_VALUE.URI).doUpdate()
                .set(DM_NODE_VALUE.FORMAT, excluded(DM_NODE_VALUE.FORMAT))
                .set(DM_NODE_VALUE.VALUE, excluded(DM_NODE_VALUE.VALUE))
                .set(DM_NODE_VALUE.REPORTED_AT, excluded(DM_NODE_VALUE.REPORTED_AT))
                .execute();
    }

    @Override
    public List<NodeValue> tree(DevId devId, String uri) {
        Condition under = uri.equals(".") || uri.equals("./") ? DSL.noCondition()
                : DM_NODE_VALUE.URI.eq(uri).or(DM_NODE_VALUE.URI.startsWith(uri + "/"));
        // uri has the "C" collation (V7): ordered by code point, like the in-memory TreeMap
        return db.selectFrom(DM_NODE_VALUE).where(DM_NODE_VALUE.DEV_ID.eq(devId.value())).and(under)
                .orderBy(DM_NODE_VALUE.URI)
                .fetch(JooqDmStore::toNodeValue);
    }

    // data repository

    @Override
    public void insertDataItem(DataItem item) {
        db.insertInto(DM_DATA_ITEM)
                .set(DM_DATA_ITEM.ID, item.itemId())
                .set(DM_DATA_ITEM.DEV_ID, item.devId().value())
                .set(DM_DATA_ITEM.OPERATION_ID, item.operationId())
                .set(DM_DATA_ITEM.COMMAND_ID, item.commandId())
                .set(DM_DATA_ITEM.KIND, item.kind().name())
                .set(DM_DATA_ITEM.MEDIA_TYPE, item.mediaType())
                .set(DM_DATA_ITEM.CONTENT, item.content())
                .set(DM_DATA_ITEM.CREATED_AT, odt(item.createdTime()))
                .execute();
    }

    @Override
    public Optional<DataItem> findDataItem(String itemId) {
        return db.selectFrom(DM_DATA_ITEM).where(DM_DATA_ITEM.ID.eq(itemId)).fetchOptional()
                .map(JooqDmStore::toDataItem);
    }

    @Override
    public void deleteValueItemsOf(String operationId) {
        db.deleteFrom(DM_DATA_ITEM)
                .where(DM_DATA_ITEM.OPERATION_ID.eq(operationId))
                .and(DM_DATA_ITEM.KIND.eq(DataItem.Kind.VALUE.name()))
                .execute();
    }

    @Override
    public long insertUpload(Upload upload) {
        return db.insertInto(DM_UPLOAD)
                .set(DM_UPLOAD.ITEM_ID, upload.itemId())
                .set(DM_UPLOAD.OPERATION_ID, upload.operationId())
                .set(DM_UPLOAD.DEV_ID, upload.devId().value())
                .set(DM_UPLOAD.MEDIA_TYPE, upload.mediaType())
                .set(DM_UPLOAD.CONTENT, upload.content())
                .set(DM_UPLOAD.RECEIVED_AT, odt(upload.receivedTime()))
                .returning(DM_UPLOAD.ID)
                .fetchOne(DM_UPLOAD.ID);
    }

    @Override
    public void closeStandingUploads(DevId devId, String startUri) {
        db.update(DM_DATA_ITEM)
                .set(DM_DATA_ITEM.KIND, DataItem.Kind.CLOSED.name())
                .where(DM_DATA_ITEM.DEV_ID.eq(devId.value()))
                .and(DM_DATA_ITEM.KIND.eq(DataItem.Kind.STANDING_UPLOAD.name()))
                .and(DM_DATA_ITEM.COMMAND_ID.in(DSL.select(DM_COMMAND.ID).from(DM_COMMAND)
                        .where(DM_COMMAND.DEV_ID.eq(devId.value()))
                        .and(DM_COMMAND.OP.eq(CommandOp.EXEC.name()))
                        .and(DM_COMMAND.URI.eq(startUri))))
                .execute();
    }

    /** One upload by its number (the fan-out's uploadReceived). */
    public Optional<Upload> findUpload(long uploadId) {
        return db.selectFrom(DM_UPLOAD).where(DM_UPLOAD.ID.eq(uploadId)).fetchOptional(JooqDmStore::toUpload);
    }

    // events (section 7): written with the change they report, fanned out by JooqEventFeed

    @Override
    public void recordEvent(DmEvent e) {
        db.insertInto(DM_EVENT)
                .set(DM_EVENT.EVENT_TYPE, e.type().wire())
                .set(DM_EVENT.DEV_ID, e.devId().value())
                .set(DM_EVENT.OPERATION_ID, e.operationId())
                .set(DM_EVENT.ALERT_RECEIPT, e.alertReceiptId())
                .set(DM_EVENT.UPLOAD_ID, e.uploadId())
                .set(DM_EVENT.OCCURRED_AT, odt(e.occurredAt()))
                .execute();
        // delivered on commit (several in one transaction coalesce): wakes the fan-out of every instance
        db.select(DSL.function("pg_notify", Object.class, DSL.val(EVENTS_CHANNEL), DSL.val(""))).fetch();
    }

    // the transaction log (6.1): the device's line and subscriber as they are now

    @Override
    public void recordTransaction(Transaction t) {
        var line = t.devId() == null ? null : db.select(DM_DEVICE.LINE).from(DM_DEVICE)
                .where(DM_DEVICE.DEV_ID.eq(t.devId().value())).fetchOne(DM_DEVICE.LINE);
        String subscriber = t.subscriberId() != null || line == null ? t.subscriberId()
                : db.select(SUBSCRIBER_LINE.SUBSCRIBER_ID).from(SUBSCRIBER_LINE)
                        .where(SUBSCRIBER_LINE.DEVICE_ADDRESS.eq(line)).fetchOne(SUBSCRIBER_LINE.SUBSCRIBER_ID);
        db.insertInto(DM_TRANSACTION)
                .set(DM_TRANSACTION.TRANSACTION_ID, t.transactionId())
                .set(DM_TRANSACTION.KIND, t.kind().wire())
                .set(DM_TRANSACTION.CLIENT_ID, t.clientId())
                .set(DM_TRANSACTION.DEV_ID, t.devId() == null ? null : t.devId().value())
                .set(DM_TRANSACTION.LINE, line)
                .set(DM_TRANSACTION.SUBSCRIBER_ID, subscriber)
                .set(DM_TRANSACTION.OPERATION_ID, t.operationId())
                .set(DM_TRANSACTION.JOB_ID, t.jobId())
                .set(DM_TRANSACTION.SUMMARY, t.summary())
                .set(DM_TRANSACTION.SUCCESS, t.success())
                .set(DM_TRANSACTION.OCCURRED_AT, odt(t.time()))
                .execute();
    }

    @Override
    public List<Upload> uploadsOf(String operationId) {
        return db.selectFrom(DM_UPLOAD).where(DM_UPLOAD.OPERATION_ID.eq(operationId)).orderBy(DM_UPLOAD.ID)
                .fetch(JooqDmStore::toUpload);
    }

    // operations and commands

    @Override
    public long nextOperationSeq() {
        return db.nextval(DM_OPERATION_SEQ);
    }

    @Override
    public void insertOperation(Operation o) {
        insert(DM_OPERATION, DM_OPERATION.ID, o.operationId(), r -> fill(r, o));
    }

    @Override
    public void updateOperation(Operation o) {
        update(DM_OPERATION, DM_OPERATION.ID, o.operationId(), r -> fill(r, o));
    }

    @Override
    public void executionFollows(Operation o) {
        if (o.requester().kind() == Requester.Kind.JOB) {
            JobCounts.follow(db, o.operationId(), o.state(), o.isFinal() ? o.timeline().getLast().time() : null);
        }
    }

    private static void fill(DmOperationRecord r, Operation o) {
        r.setSeq(o.seq());
        r.setRequesterKind(o.requester().kind().name());
        r.setRequesterId(o.requester().id());
        r.setRequesterClient(o.requester().client());
        r.setDevId(o.devId().value());
        r.setType(o.request().type().wire());
        r.setClientCorrelator(o.request().clientCorrelator());
        r.setRequest(DmJson.request(o.request()));
        r.setState(o.state().name());
        r.setStatusCode(o.statusCode());
        r.setResultCode(o.resultCode());
        r.setResultText(o.resultText());
        r.setResults(DmJson.results(o.results()));
        r.setTimeline(DmJson.timeline(o.timeline()));
        r.setAcceptedAt(odt(o.acceptedTime()));
        r.setDeadline(odt(o.deadline()));
        r.setSessionId(o.sessionId());
    }

    @Override
    public Optional<Operation> findOperation(String operationId) {
        return db.selectFrom(DM_OPERATION).where(DM_OPERATION.ID.eq(operationId)).fetchOptional()
                .map(JooqDmStore::toOperation);
    }

    @Override
    public Optional<Operation> findByClientCorrelator(Requester requester, String clientCorrelator) {
        return db.selectFrom(DM_OPERATION)
                .where(byRequester(requester))
                .and(DM_OPERATION.CLIENT_CORRELATOR.eq(clientCorrelator))
                .fetchOptional()
                .map(JooqDmStore::toOperation);
    }

    @Override
    public List<Operation> operationsOf(Requester requester, int offset, int limit) {
        return db.selectFrom(DM_OPERATION)
                .where(byRequester(requester))
                .orderBy(DM_OPERATION.SEQ.desc())
                .offset(offset).limit(limit)
                .fetch(JooqDmStore::toOperation);
    }

    private static Condition byRequester(Requester requester) {
        return DM_OPERATION.REQUESTER_KIND.eq(requester.kind().name()).and(DM_OPERATION.REQUESTER_ID.eq(requester.id()));
    }

    @Override
    public List<Operation> queuedOperations(DevId devId) {
        return db.selectFrom(DM_OPERATION)
                .where(DM_OPERATION.DEV_ID.eq(devId.value()))
                .and(DM_OPERATION.STATE.eq(OperationState.QUEUED.name()))
                .orderBy(DM_OPERATION.SEQ)
                .fetch(JooqDmStore::toOperation);
    }

    @Override
    public List<Operation> overdueOperations(Instant now, int limit) {
        return db.selectFrom(DM_OPERATION)
                .where(DM_OPERATION.STATE.in(OPEN_STATES))
                .and(DM_OPERATION.DEADLINE.le(odt(now)))
                .orderBy(DM_OPERATION.DEADLINE, DM_OPERATION.SEQ)
                .limit(limit)
                .fetch(JooqDmStore::toOperation);
    }

    @Override
    public void insertCommands(List<Command> commands) {
        for (Command c : commands) {
            insert(DM_COMMAND, DM_COMMAND.ID, c.commandId(), r -> fill(r, c));
        }
    }

    @Override
    public void updateCommand(Command c) {
        update(DM_COMMAND, DM_COMMAND.ID, c.commandId(), r -> fill(r, c));
    }

    private static void fill(DmCommandRecord r, Command c) {
        r.setOperationId(c.operationId());
        r.setPosition(c.index());
        r.setDevId(c.devId().value());
        r.setOp(c.op().name());
        r.setUri(c.uri());
        r.setData(c.data());
        r.setCorrelator(c.correlator());
        r.setDataItemId(c.dataItemId());
        r.setPackageRef(c.packageRef());
        r.setPackageId(c.packageId());
        r.setCmdId(c.cmdId());
        r.setStatus(DmJson.status(c.status()));
        r.setReportedAt(odt(c.reportedTime()));
    }

    @Override
    public List<Command> commandsOf(String operationId) {
        return db.selectFrom(DM_COMMAND).where(DM_COMMAND.OPERATION_ID.eq(operationId)).orderBy(DM_COMMAND.POSITION)
                .fetch(JooqDmStore::toCommand);
    }

    @Override
    public Optional<Command> findCommand(String commandId) {
        return db.selectFrom(DM_COMMAND).where(DM_COMMAND.ID.eq(commandId)).fetchOptional()
                .map(JooqDmStore::toCommand);
    }

    @Override
    public Optional<Command> findCommandByCorrelator(String correlator) {
        return db.selectFrom(DM_COMMAND).where(DM_COMMAND.CORRELATOR.eq(correlator)).fetchOptional()
                .map(JooqDmStore::toCommand);
    }

    // sessions and packages

    @Override
    public void insertSession(Session s) {
        insert(DM_SESSION, DM_SESSION.ID, s.sessionId(), r -> fill(r, s));
    }

    @Override
    public void updateSession(Session s) {
        update(DM_SESSION, DM_SESSION.ID, s.sessionId(), r -> fill(r, s));
    }

    private static void fill(DmSessionRecord r, Session s) {
        r.setDevId(s.devId().value());
        r.setUiMode(s.mode().uiMode().name());
        r.setCustomerCare(s.mode().customerCare());
        r.setState(s.state().name());
        r.setResult(s.result() == null ? null : s.result().name());
        r.setCreatedAt(odt(s.createdTime()));
        r.setStartedAt(odt(s.startedTime()));
        r.setEndedAt(odt(s.endTime()));
        r.setEndReason(s.endReason());
        r.setPackageIds(DmJson.strings(s.packageIds()));
        r.setCurrentPackage(s.currentPackage());
        r.setCurrentPackageId(s.currentPackage() < s.packageIds().size() ? s.currentPackageId() : null);
        r.setAnyFailure(s.anyFailure());
    }

    @Override
    public Optional<Session> findSession(String sessionId) {
        return db.selectFrom(DM_SESSION).where(DM_SESSION.ID.eq(sessionId)).fetchOptional()
                .map(JooqDmStore::toSession);
    }

    @Override
    public Optional<Session> pendingSession(DevId devId) {
        return sessionIn(devId, SessionState.PENDING);
    }

    @Override
    public Optional<Session> startedSession(DevId devId) {
        return sessionIn(devId, SessionState.STARTED);
    }

    private Optional<Session> sessionIn(DevId devId, SessionState state) {
        // at most one row: partial unique indexes dm_session_one_pending / dm_session_one_started
        return db.selectFrom(DM_SESSION)
                .where(DM_SESSION.DEV_ID.eq(devId.value()))
                .and(DM_SESSION.STATE.eq(state.name()))
                .fetchOptional()
                .map(JooqDmStore::toSession);
    }

    @Override
    public List<Session> completedSessions(DevId devId, int offset, int limit) {
        return db.selectFrom(DM_SESSION)
                .where(DM_SESSION.DEV_ID.eq(devId.value()))
                .and(DM_SESSION.STATE.eq(SessionState.ENDED.name()))
                .orderBy(DM_SESSION.ENDED_AT.desc(), DM_SESSION.CREATED_AT, DM_SESSION.ID)
                .offset(offset).limit(limit)
                .fetch(JooqDmStore::toSession);
    }

    @Override
    public void insertPackage(SessionPackage p) {
        insert(DM_PACKAGE, DM_PACKAGE.ID, p.packageId(), r -> fill(r, p));
    }

    @Override
    public void updatePackage(SessionPackage p) {
        update(DM_PACKAGE, DM_PACKAGE.ID, p.packageId(), r -> fill(r, p));
    }

    private static void fill(DmPackageRecord r, SessionPackage p) {
        r.setSessionId(p.sessionId());
        r.setDevId(p.devId().value());
        r.setPosition(p.index());
        r.setCommandIds(DmJson.strings(p.commandIds()));
        r.setLast(p.last());
        r.setIssuedAt(odt(p.issuedTime()));
        r.setReport(DmJson.statuses(p.report()));
        r.setReportedAt(odt(p.reportedTime()));
    }

    @Override
    public Optional<SessionPackage> findPackage(String packageId) {
        return db.selectFrom(DM_PACKAGE).where(DM_PACKAGE.ID.eq(packageId)).fetchOptional()
                .map(JooqDmStore::toPackage);
    }

    @Override
    public List<DevId> devicesUnreportedSince(Instant cutoff) {
        return db.select(DM_SESSION.DEV_ID)
                .from(DM_SESSION)
                .join(DM_PACKAGE).on(DM_PACKAGE.ID.eq(DM_SESSION.CURRENT_PACKAGE_ID))
                .where(DM_SESSION.STATE.eq(SessionState.STARTED.name()))
                .and(DM_PACKAGE.ISSUED_AT.le(odt(cutoff)))
                .orderBy(DM_SESSION.CREATED_AT, DM_SESSION.ID)
                .fetch(r -> DevId.of(r.value1()));
    }

    // alerts

    @Override
    public Optional<ReceivedAlert> findAlert(DevId devId, String alertId) {
        return db.selectFrom(DM_ALERT)
                .where(DM_ALERT.DEV_ID.eq(devId.value()))
                .and(DM_ALERT.ALERT_ID.eq(alertId))
                .orderBy(DM_ALERT.SEQ)
                .limit(1)
                .fetchOptional()
                .map(JooqDmStore::toAlert);
    }

    @Override
    public void insertAlert(ReceivedAlert received) {
        Alert a = received.alert();
        db.insertInto(DM_ALERT)
                .set(DM_ALERT.RECEIPT_ID, received.receiptId())
                .set(DM_ALERT.DEV_ID, received.devId().value())
                .set(DM_ALERT.ALERT_ID, a.alertId())
                .set(DM_ALERT.TYPE, a.type())
                .set(DM_ALERT.URI, a.uri())
                .set(DM_ALERT.CORRELATOR, a.correlator())
                .set(DM_ALERT.RESULT_CODE, a.resultCode())
                .set(DM_ALERT.MARK, a.mark() == null ? null : a.mark().name())
                .set(DM_ALERT.DATA, a.data())
                .set(DM_ALERT.EVENT_TIME, odt(a.eventTime()))
                .set(DM_ALERT.RECEIVED_AT, odt(received.receivedTime()))
                .set(DM_ALERT.OPERATION_ID, received.operationId())
                .execute();
    }

    @Override
    public Optional<TokenBucket> alertBucket(DevId devId) {
        return db.select(DM_DEVICE.ALERT_TOKENS, DM_DEVICE.ALERT_BUCKET_AT)
                .from(DM_DEVICE)
                .where(DM_DEVICE.DEV_ID.eq(devId.value()))
                .and(DM_DEVICE.ALERT_TOKENS.isNotNull())
                .fetchOptional(r -> new TokenBucket(r.value1(), r.value2().toInstant()));
    }

    @Override
    public void saveAlertBucket(DevId devId, TokenBucket bucket) {
        db.insertInto(DM_DEVICE)
                .set(DM_DEVICE.DEV_ID, devId.value())
                .set(DM_DEVICE.SUPPORTED_MOS, DmJson.strings(List.of()))
                .set(DM_DEVICE.CREATED_AT, odt(bucket.updated()))
                .set(DM_DEVICE.ALERT_TOKENS, bucket.tokens())
                .set(DM_DEVICE.ALERT_BUCKET_AT, odt(bucket.updated()))
                .onConflict(DM_DEVICE.DEV_ID).doUpdate()
                .set(DM_DEVICE.ALERT_TOKENS, excluded(DM_DEVICE.ALERT_TOKENS))
                .set(DM_DEVICE.ALERT_BUCKET_AT, excluded(DM_DEVICE.ALERT_BUCKET_AT))
                .execute();
    }

    // rows to domain records

    static DeviceProfile toProfile(DmDeviceRecord r) {
        return new DeviceProfile(DevId.of(r.getDevId()),
                new DevInfo(r.getMan(), r.getMod(), r.getDmV(), r.getLang()),
                new DevDetail(r.getDevTyp(), r.getOem(), r.getFwV(), r.getSwV(), r.getHwV()),
                DmJson.strings(r.getSupportedMos()), r.getLine() == null ? null : new Line(r.getLine()),
                instant(r.getLastSeen()));
    }

    private static NodeValue toNodeValue(DmNodeValueRecord r) {
        return new NodeValue(r.getUri(), r.getFormat(), r.getValue(), instant(r.getReportedAt()));
    }

    private static DataItem toDataItem(DmDataItemRecord r) {
        return new DataItem(r.getId(), DevId.of(r.getDevId()), r.getOperationId(), r.getCommandId(),
                DataItem.Kind.valueOf(r.getKind()), r.getMediaType(), r.getContent(), instant(r.getCreatedAt()));
    }

    private static Upload toUpload(DmUploadRecord r) {
        return new Upload(r.getItemId(), r.getOperationId(), DevId.of(r.getDevId()), r.getMediaType(), r.getContent(),
                instant(r.getReceivedAt()));
    }

    // ---- signed packages (V13) ----

    @Override
    public void insertSignedPackage(SignedPackage p) {
        DmSignedPackageRecord r = db.newRecord(DM_SIGNED_PACKAGE);
        fill(r, p);
        r.insert();
    }

    @Override
    public Optional<SignedPackage> findSignedPackage(String packageId) {
        return db.selectFrom(DM_SIGNED_PACKAGE).where(DM_SIGNED_PACKAGE.ID.eq(packageId)).forUpdate()
                .fetchOptional(JooqDmStore::toPackage);
    }

    @Override
    public void updateSignedPackage(SignedPackage p) {
        DmSignedPackageRecord r = db.newRecord(DM_SIGNED_PACKAGE);
        fill(r, p);
        r.changed(DM_SIGNED_PACKAGE.ID, false);
        if (db.update(DM_SIGNED_PACKAGE).set(r).where(DM_SIGNED_PACKAGE.ID.eq(p.packageId())).execute() != 1) {
            throw new IllegalStateException("update of unknown package " + p.packageId());
        }
    }

    @Override
    public void deleteSignedPackage(String packageId) {
        db.deleteFrom(DM_SIGNED_PACKAGE).where(DM_SIGNED_PACKAGE.ID.eq(packageId)).execute();
    }

    @Override
    public List<SignedPackage> packagesOf(String clientId, String afterId, int limit) {
        return db.selectFrom(DM_SIGNED_PACKAGE).where(DM_SIGNED_PACKAGE.CLIENT_ID.eq(clientId))
                .and(afterId == null ? DSL.noCondition() : DM_SIGNED_PACKAGE.ID.gt(afterId))
                .orderBy(DM_SIGNED_PACKAGE.ID).limit(limit).fetch(JooqDmStore::toPackage);
    }

    @Override
    public boolean contentShared(String sha256, String packageId) {
        return db.fetchExists(DM_SIGNED_PACKAGE, DM_SIGNED_PACKAGE.SHA256.eq(sha256)
                .and(DM_SIGNED_PACKAGE.ID.ne(packageId)).and(DM_SIGNED_PACKAGE.STATE.eq(PackageState.VERIFIED.name())));
    }

    @Override
    public boolean liveOperationNames(String packageId) {
        return db.fetchExists(db.selectOne().from(DM_COMMAND).join(DM_OPERATION)
                .on(DM_OPERATION.ID.eq(DM_COMMAND.OPERATION_ID))
                .where(DM_COMMAND.PACKAGE_REF.eq(packageId)).and(DM_OPERATION.STATE.in(OPEN_STATES)));
    }

    @Override
    public Optional<LiveCommand> liveCommand(DevId devId, String packageId) {
        // the client the operation is for: a job's execution names the job's client; a subscriber's DM
        // account (device care at the portal) is no client (the log names the device's subscriber)
        return db.select(DM_OPERATION.ID, DSL.when(DM_OPERATION.REQUESTER_KIND.eq(Requester.Kind.ACCOUNT.name()),
                        DSL.inline((String) null)).otherwise(DSL.coalesce(DM_OPERATION.REQUESTER_CLIENT,
                        DM_OPERATION.REQUESTER_ID)))
                .from(DM_COMMAND).join(DM_OPERATION)
                .on(DM_OPERATION.ID.eq(DM_COMMAND.OPERATION_ID))
                .where(DM_COMMAND.PACKAGE_REF.eq(packageId)).and(DM_COMMAND.DEV_ID.eq(devId.value()))
                .and(DM_COMMAND.PACKAGE_ID.isNotNull()).and(DM_OPERATION.STATE.in(OPEN_STATES))
                .limit(1).fetchOptional(r -> new LiveCommand(r.value1(), r.value2()));
    }

    @Override
    public List<Installation> installations(String packageId) {
        return db.selectFrom(DM_OPERATION).where(DM_OPERATION.ID.in(db.selectDistinct(DM_COMMAND.OPERATION_ID)
                        .from(DM_COMMAND).where(DM_COMMAND.PACKAGE_REF.eq(packageId))))
                .orderBy(DM_OPERATION.SEQ).fetch(JooqDmStore::toOperation).stream()
                .map(o -> new Installation(o.devId(), o.operationId(), o.request().type().wire(), o.state().wire(),
                        o.resultCode(), o.resultText(), o.acceptedTime(),
                        o.isFinal() ? o.timeline().getLast().time() : null)).toList();
    }

    private static void fill(DmSignedPackageRecord r, SignedPackage p) {
        PackageMetadata m = p.metadata();
        r.setId(p.packageId());
        r.setClientId(p.clientId());
        r.setName(m.name());
        r.setVersion(m.version());
        r.setKind(m.kind().name());
        r.setTargetMan(m.targets().man());
        r.setTargetMod(m.targets().mod());
        r.setTargetFromVersions(DmJson.strings(m.targets().fromVersions()));
        r.setSize(m.size());
        r.setSha256(m.sha256());
        r.setSignature(p.signature());
        r.setState(p.state().name());
        r.setRejectReason(p.rejectReason());
        r.setCreatedAt(odt(p.createdTime()));
        r.setUpdatedAt(odt(p.updatedTime()));
    }

    static SignedPackage toPackage(DmSignedPackageRecord r) {
        return new SignedPackage(r.getId(), r.getClientId(), new PackageMetadata(r.getName(), r.getVersion(),
                PackageKind.valueOf(r.getKind()), new PackageTargets(r.getTargetMan(), r.getTargetMod(),
                        DmJson.strings(r.getTargetFromVersions())), r.getSize(), r.getSha256()), r.getSignature(),
                PackageState.valueOf(r.getState()), r.getRejectReason(), instant(r.getCreatedAt()),
                instant(r.getUpdatedAt()));
    }

    static Operation toOperation(DmOperationRecord r) {
        return new Operation(r.getId(), r.getSeq(),
                new Requester(Requester.Kind.valueOf(r.getRequesterKind()), r.getRequesterId(),
                        r.getRequesterClient() != null ? r.getRequesterClient()
                                : Requester.Kind.CLIENT.name().equals(r.getRequesterKind()) ? r.getRequesterId() : null),
                DmJson.request(r.getRequest()), OperationState.valueOf(r.getState()), r.getStatusCode(),
                r.getResultCode(), r.getResultText(), DmJson.results(r.getResults()), DmJson.timeline(r.getTimeline()),
                instant(r.getAcceptedAt()), instant(r.getDeadline()), r.getSessionId());
    }

    private static Command toCommand(DmCommandRecord r) {
        return new Command(r.getId(), DevId.of(r.getDevId()), r.getOperationId(), r.getPosition(),
                CommandOp.valueOf(r.getOp()), r.getUri(), r.getData(), r.getCorrelator(), r.getDataItemId(),
                r.getPackageRef(), r.getPackageId(), r.getCmdId(), DmJson.status(r.getStatus()),
                instant(r.getReportedAt()));
    }

    private static Session toSession(DmSessionRecord r) {
        return new Session(r.getId(), DevId.of(r.getDevId()),
                new SessionMode(UiMode.valueOf(r.getUiMode()), r.getCustomerCare()),
                SessionState.valueOf(r.getState()), r.getResult() == null ? null : SessionResult.valueOf(r.getResult()),
                instant(r.getCreatedAt()), instant(r.getStartedAt()), instant(r.getEndedAt()), r.getEndReason(),
                DmJson.strings(r.getPackageIds()), r.getCurrentPackage(), r.getAnyFailure());
    }

    private static SessionPackage toPackage(DmPackageRecord r) {
        return new SessionPackage(r.getId(), r.getSessionId(), DevId.of(r.getDevId()), r.getPosition(),
                DmJson.strings(r.getCommandIds()), r.getLast(), instant(r.getIssuedAt()),
                DmJson.statuses(r.getReport()), instant(r.getReportedAt()));
    }

    private static ReceivedAlert toAlert(DmAlertRecord r) {
        Alert alert = new Alert(r.getAlertId(), r.getType(), r.getUri(), r.getCorrelator(), r.getResultCode(),
                r.getMark() == null ? null : AlertMark.valueOf(r.getMark()), r.getData(), instant(r.getEventTime()));
        return new ReceivedAlert(r.getReceiptId(), DevId.of(r.getDevId()), alert, instant(r.getReceivedAt()),
                r.getOperationId());
    }

    /** One alert by its receipt (the fan-out's alert events). */
    public Optional<ReceivedAlert> findAlertReceipt(String receiptId) {
        return db.selectFrom(DM_ALERT).where(DM_ALERT.RECEIPT_ID.eq(receiptId)).fetchOptional(JooqDmStore::toAlert);
    }

    /** Every alert ever recorded, in arrival order (operators' and tests' inspection). */
    public List<ReceivedAlert> allAlerts() {
        return db.selectFrom(DM_ALERT).orderBy(DM_ALERT.SEQ).fetch(JooqDmStore::toAlert);
    }

    /** Inserts the row {@code fill} describes, under {@code id}. */
    private <R extends org.jooq.TableRecord<R>> void insert(org.jooq.Table<R> table, org.jooq.TableField<R, String> key,
            String id, java.util.function.Consumer<R> fill) {
        R r = db.newRecord(table);
        fill.accept(r);
        r.set(key, id);
        r.insert();
    }

    /** Replaces the row {@code id} with what {@code fill} describes; an unknown id is a programming error. */
    private <R extends org.jooq.TableRecord<R>> void update(org.jooq.Table<R> table, org.jooq.TableField<R, String> key,
            String id, java.util.function.Consumer<R> fill) {
        R r = db.newRecord(table);
        fill.accept(r);
        if (db.update(table).set(r).where(key.eq(id)).execute() == 0) {
            throw new IllegalStateException("update of unknown " + id);
        }
    }


}
