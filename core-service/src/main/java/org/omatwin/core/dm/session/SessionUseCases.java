package org.omatwin.core.dm.session;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.command.CommandOp;
import org.omatwin.core.dm.command.CommandStatus;
import org.omatwin.core.dm.common.DmIds;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.event.DmEvent;
import org.omatwin.core.dm.event.DmEventType;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.device.NodeValue;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationTransactions;
import org.omatwin.core.dm.operation.Operations;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/**
 * The device surface's session use cases (dm-api.md 2.1). Each public method is one transaction that
 * holds the device's lock; {@code devId} is always the token's device.
 */
public final class SessionUseCases {
    private final DeviceQueue queue;
    private final SessionPolicy policy;
    private final Clock clock;

    public SessionUseCases(DeviceQueue queue, SessionPolicy policy, Clock clock) {
        this.queue = queue;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * {@code POST /sessions/next} (Package#1): the started session's unreported package again, else
     * the pending session started, else empty (204). The {@code sessionStart} is stored in every case.
     */
    public Optional<PackageView> next(DevId devId, SessionStart start) {
        return next(devId, null, start);
    }

    /** As {@link #next(DevId, SessionStart)}, the device's token having proved {@code line} (null: none). */
    public Optional<PackageView> next(DevId devId, Line line, SessionStart start) {
        checkStart(devId, start);
        return queue.inTransaction(q -> {
            Instant now = clock.instant();
            q.lock(devId, now);
            SessionStore store = q.store();
            recordStart(store, devId, line, start, now);
            Optional<Session> started = store.startedSession(devId);
            if (started.isPresent()) {
                return Optional.of(current(store, started.get()));
            }
            return store.pendingSession(devId).map(p -> start(q, p, now));
        });
    }

    /** {@code POST /sessions/id/{sessionId}}: starts that pending session (a retry gets its current package). */
    public PackageView start(DevId devId, String sessionId, SessionStart start) {
        return start(devId, null, sessionId, start);
    }

    /** As {@link #start(DevId, String, SessionStart)}, the token having proved {@code line} (null: none). */
    public PackageView start(DevId devId, Line line, String sessionId, SessionStart start) {
        checkStart(devId, start);
        return queue.inTransaction(q -> {
            Instant now = clock.instant();
            q.lock(devId, now);
            SessionStore store = q.store();
            recordStart(store, devId, line, start, now);
            Session session = store.findSession(sessionId).filter(s -> s.belongsTo(devId))
                    .orElseThrow(() -> unknownSession(sessionId));
            return switch (session.state()) {
                case STARTED -> current(store, session);
                case ENDED -> throw ApiException.of(ApiError.CONFLICT,
                        "the session has ended (" + session.result().wire() + ")", "sessionId");
                case PENDING -> {
                    if (store.startedSession(devId).isPresent()) {
                        throw ApiException.of(ApiError.CONFLICT,
                                "another session is started: report or abort it first", "sessionId");
                    }
                    yield start(q, session, now);
                }
            };
        });
    }

    /**
     * {@code PUT /sessions/id/{sessionId}}: the report of package {@code packageId}. Answers the next
     * package, or empty (204) when the report ended the session. Checks in the order of 2.1, each
     * refusal recording nothing (the transaction rolls back).
     */
    public Optional<PackageView> report(DevId devId, String packageId, SessionReport report) {
        return queue.inTransaction(q -> {
            Instant now = clock.instant();
            q.lock(devId, now);
            SessionStore store = q.store();
            SessionPackage pkg = store.findPackage(packageId).filter(p -> p.devId().equals(devId) && p.isIssued())
                    .orElseThrow(() -> unknownSession(packageId));
            Session session = store.findSession(pkg.sessionId()).orElseThrow(() -> unknownSession(packageId));
            if (pkg.isReported()) {
                if (pkg.isSameReport(report.status())) {
                    return answerAfter(store, session, pkg); // a retry after a lost response
                }
                throw ApiException.of(ApiError.CONFLICT, "package " + packageId + " was already reported differently",
                        "sessionReport");
            }
            if (session.state() == SessionState.ENDED) {
                throw ApiException.of(ApiError.CONFLICT, "the session has ended (" + session.result().wire() + ")",
                        "sessionId");
            }
            List<Command> commands = pkg.commandIds().stream().map(id -> store.findCommand(id).orElseThrow()).toList();
            Map<String, CommandStatus> statuses = checkedStatuses(commands, report.status());

            store.updatePackage(pkg.reported(report.status(), now));
            List<NodeValue> values = new ArrayList<>();
            Map<String, Operation> touched = new LinkedHashMap<>();
            boolean failure = false;
            for (Command c : commands) {
                CommandStatus status = statuses.get(c.cmdId());
                Command reported = c.reported(status, now);
                store.updateCommand(reported);
                failure |= !status.isSuccess();
                if (c.op() == CommandOp.GET && status.isSuccess()) {
                    status.results().forEach(r -> values.add(new NodeValue(r.uri(), r.format(), r.value(), now)));
                }
                Operation op = touched.computeIfAbsent(c.operationId(), id -> store.findOperation(id).orElseThrow());
                store.recordTransaction(OperationTransactions.reported(reported, op.requester(), now));
            }
            // The tree records what the device said even for an operation that already timed out.
            store.putNodeValues(devId, values);
            for (Operation op : touched.values()) {
                Operation after = Operations.afterReport(op, store.commandsOf(op.operationId()), now);
                if (!after.equals(op)) {
                    Operations.save(store, after);
                }
            }
            Session next = session.reported(failure, !pkg.last());
            if (pkg.last()) {
                store.updateSession(next.completed(now));
                q.reconcile(devId, now);
                return Optional.empty();
            }
            store.updateSession(next);
            SessionPackage following = store.findPackage(next.currentPackageId()).orElseThrow().issued(now);
            store.updatePackage(following);
            return Optional.of(view(store, next, following));
        });
    }

    /** {@code DELETE /sessions/id/{sessionId}} (any of its packages' ids): ends the started session Aborted. */
    public void abort(DevId devId, String sessionId) {
        queue.inTransaction(q -> {
            Instant now = clock.instant();
            q.lock(devId, now);
            SessionStore store = q.store();
            Session session = store.findPackage(sessionId).filter(p -> p.devId().equals(devId))
                    .flatMap(p -> store.findSession(p.sessionId()))
                    .or(() -> store.findSession(sessionId).filter(s -> s.belongsTo(devId)))
                    .orElseThrow(() -> unknownSession(sessionId));
            switch (session.state()) {
                case PENDING -> throw ApiException.of(ApiError.CONFLICT, "the session has not been started",
                        "sessionId");
                case ENDED -> { } // DELETE again: already gone
                case STARTED -> endAborted(q, session, "aborted by the device", now);
            }
            return null;
        });
    }

    /**
     * Called periodically by the infrastructure: ends every started session whose package has been
     * unreported for the policy's timeout (2.1). Returns how many ended. One transaction per device.
     */
    public int expireUnreported(Instant now) {
        Instant cutoff = now.minus(policy.unreportedTimeout());
        List<DevId> devices = queue.inTransaction(q -> q.store().devicesUnreportedSince(cutoff));
        int ended = 0;
        for (DevId devId : devices) {
            ended += queue.inTransaction(q -> {
                q.lock(devId, now);
                SessionStore store = q.store();
                Optional<Session> started = store.startedSession(devId);
                // re-read under the lock: the device may have reported meanwhile
                if (started.isEmpty() || store.findPackage(started.get().currentPackageId()).orElseThrow()
                        .issuedTime().isAfter(cutoff)) {
                    return 0;
                }
                endAborted(q, started.get(), "unreported for " + policy.unreportedTimeout().toSeconds() + " s", now);
                return 1;
            });
        }
        return ended;
    }

    /** {@code GET /sessions/pending}: at most one entry. */
    public List<Session> pending(DevId devId) {
        return queue.inTransaction(q -> q.store().pendingSession(devId).stream().toList());
    }

    /** {@code GET /sessions/completed}: newest first. */
    public List<Session> completed(DevId devId, int offset, int limit) {
        return queue.inTransaction(q -> q.store().completedSessions(devId, offset, limit));
    }

    private static void checkStart(DevId devId, SessionStart start) {
        if (start != null && start.devId() != null && !start.devId().equals(devId)) {
            throw ApiException.of(ApiError.NOT_PERMITTED, "devInfo.devId is not the device of the token", "devInfo.devId");
        }
    }

    /**
     * Stores the Package#1 (and the line the network authenticated, from the token). A firmware or
     * software version other than the one last reported is an event for the device's subscribers (EI5);
     * the first report of a device is not a change.
     */
    private static void recordStart(SessionStore store, DevId devId, Line line, SessionStart start, Instant now) {
        DeviceProfile profile = store.findDevice(devId).orElseGet(() -> DeviceProfile.unknown(devId));
        SessionStart s = start == null ? SessionStart.EMPTY : start;
        DeviceProfile next = profile.started(s.devInfo(), s.devDetail(), s.supportedMOs(), line, now);
        store.saveDevice(next);
        if (changed(profile.devDetail().fwV(), next.devDetail().fwV())) {
            store.recordEvent(DmEvent.ofDevice(DmEventType.FIRMWARE_CHANGED, devId, now));
        }
        if (changed(profile.devDetail().swV(), next.devDetail().swV())) {
            store.recordEvent(DmEvent.ofDevice(DmEventType.SOFTWARE_CHANGED, devId, now));
        }
    }

    private static boolean changed(String before, String after) {
        return before != null && after != null && !before.equals(after);
    }

    /**
     * Binds, in acceptance order, the commands of every deliverable operation of the session's mode
     * (an operation's commands together and in order), cuts them into packages, and issues the first.
     */
    private PackageView start(DeviceQueue.Tx q, Session pending, Instant now) {
        SessionStore store = q.store();
        List<Operation> operations = store.queuedOperations(pending.devId()).stream()
                .filter(o -> o.isDeliverable(now) && o.mode().equals(pending.mode())).toList();
        List<Command> commands = new ArrayList<>();
        operations.forEach(o -> commands.addAll(store.commandsOf(o.operationId())));
        int size = policy.maxCommandsPerPackage();
        int packages = Math.max(1, (commands.size() + size - 1) / size);
        List<String> packageIds = new ArrayList<>();
        for (int i = 0; i < packages; i++) {
            String packageId = i == 0 ? pending.sessionId() : DmIds.session();
            packageIds.add(packageId);
            List<Command> slice = commands.subList(i * size, Math.min(commands.size(), (i + 1) * size));
            List<String> ids = new ArrayList<>();
            for (int j = 0; j < slice.size(); j++) {
                store.updateCommand(slice.get(j).boundTo(packageId, SessionPackage.cmdId(j)));
                ids.add(slice.get(j).commandId());
            }
            store.insertPackage(new SessionPackage(packageId, pending.sessionId(), pending.devId(), i, ids,
                    i == packages - 1, i == 0 ? now : null, null, null));
        }
        operations.forEach(o -> Operations.save(store, o.delivered(pending.sessionId(), now)));
        Session started = pending.started(packageIds, now);
        store.updateSession(started);
        q.reconcile(pending.devId(), now); // work of another mode gets its own pending session
        return current(store, started);
    }

    private static void endAborted(DeviceQueue.Tx q, Session session, String reason, Instant now) {
        SessionStore store = q.store();
        Set<String> operationIds = new HashSet<>();
        List<Operation> operations = new ArrayList<>();
        for (String packageId : session.packageIds()) {
            for (String commandId : store.findPackage(packageId).orElseThrow().commandIds()) {
                String operationId = store.findCommand(commandId).orElseThrow().operationId();
                if (operationIds.add(operationId)) {
                    operations.add(store.findOperation(operationId).orElseThrow());
                }
            }
        }
        q.failUnreported(operations, "session " + session.sessionId() + " " + reason, now);
        store.updateSession(session.ended(SessionResult.ABORTED, reason, now));
        q.reconcile(session.devId(), now);
    }

    /** A status for a cmdId not in the package: 409; two for one: 400; a command without one: 400 SVC2006. */
    private static Map<String, CommandStatus> checkedStatuses(List<Command> commands, List<CommandStatus> given) {
        Set<String> inPackage = new HashSet<>();
        commands.forEach(c -> inPackage.add(c.cmdId()));
        for (CommandStatus s : given) {
            if (!inPackage.contains(s.cmdId())) {
                throw ApiException.of(ApiError.CONFLICT, "status for cmdId " + s.cmdId() + ", not a command of the package",
                        "status.cmdId");
            }
        }
        Map<String, CommandStatus> byCmdId = new HashMap<>();
        for (CommandStatus s : given) {
            if (byCmdId.put(s.cmdId(), s) != null) {
                throw ApiException.of(ApiError.INVALID_INPUT, "two statuses for cmdId " + s.cmdId(), "status.cmdId");
            }
        }
        for (Command c : commands) {
            if (!byCmdId.containsKey(c.cmdId())) {
                throw ApiException.of(ApiError.MISSING_ELEMENT, "no status for cmdId " + c.cmdId(), "status");
            }
        }
        return byCmdId;
    }

    private static Optional<PackageView> answerAfter(SessionStore store, Session session, SessionPackage pkg) {
        if (pkg.last()) {
            return Optional.empty();
        }
        SessionPackage next = store.findPackage(session.packageIds().get(pkg.index() + 1)).orElseThrow();
        return Optional.of(view(store, session, next));
    }

    private static PackageView current(SessionStore store, Session session) {
        return view(store, session, store.findPackage(session.currentPackageId()).orElseThrow());
    }

    private static PackageView view(SessionStore store, Session session, SessionPackage pkg) {
        List<Command> commands = pkg.commandIds().stream().map(id -> store.findCommand(id).orElseThrow()).toList();
        return new PackageView(pkg.packageId(), session.sessionId(), session.mode(), commands, pkg.endCmdId());
    }

    private static ApiException unknownSession(String sessionId) {
        return ApiException.of(ApiError.NOT_FOUND, "no session " + sessionId, "sessionId");
    }
}
