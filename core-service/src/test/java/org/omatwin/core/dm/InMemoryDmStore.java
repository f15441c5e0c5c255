package org.omatwin.core.dm;

import org.omatwin.core.dm.audit.Transaction;
import org.omatwin.core.dm.care.CareStore;
import org.omatwin.core.dm.pkg.Installation;
import org.omatwin.core.dm.pkg.PackageState;
import org.omatwin.core.dm.pkg.SignedPackage;
import org.omatwin.core.dm.device.Reach;
import java.util.Set;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.omatwin.core.dm.alert.ReceivedAlert;
import org.omatwin.core.dm.alert.TokenBucket;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.core.dm.data.DataItem;
import org.omatwin.core.dm.data.Upload;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceFilter;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.NodeValue;
import org.omatwin.core.dm.event.DmEvent;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationState;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.dm.session.Session;
import org.omatwin.core.dm.session.SessionPackage;
import org.omatwin.core.dm.session.SessionState;

/**
 * A working in-memory {@link DmStore} for tests: one transaction at a time (a global lock stands in
 * for the per-device row lock), and a transaction that throws leaves everything as it was, like a
 * database rollback, so "a refusal records nothing" can be tested.
 */
public final class InMemoryDmStore implements DmStore, CareStore, Transactions<DmStore> {

    private State state = new State();
    private final Map<String, Set<Line>> subscriberLines = new HashMap<>();

    private static final class State {
        final Map<DevId, DeviceProfile> devices = new HashMap<>();
        final TreeMap<String, NodeValue> tree = new TreeMap<>();
        final Map<String, DataItem> dataItems = new LinkedHashMap<>();
        final List<Upload> uploads = new ArrayList<>();
        long seq;
        final Map<String, Operation> operations = new LinkedHashMap<>();
        final Map<String, Command> commands = new LinkedHashMap<>();
        final Map<String, Session> sessions = new LinkedHashMap<>();
        final Map<String, SessionPackage> packages = new LinkedHashMap<>();
        final List<ReceivedAlert> alerts = new ArrayList<>();
        final Map<DevId, TokenBucket> buckets = new HashMap<>();
        final List<DmEvent> events = new ArrayList<>();
        final List<Transaction> transactions = new ArrayList<>();
        final TreeMap<String, SignedPackage> signedPackages = new TreeMap<>();

        State copy() {
            State c = new State();
            c.devices.putAll(devices);
            c.tree.putAll(tree);
            c.dataItems.putAll(dataItems);
            c.uploads.addAll(uploads);
            c.seq = seq;
            c.operations.putAll(operations);
            c.commands.putAll(commands);
            c.sessions.putAll(sessions);
            c.packages.putAll(packages);
            c.alerts.addAll(alerts);
            c.buckets.putAll(buckets);
            c.events.addAll(events);
            c.transactions.addAll(transactions);
            c.signedPackages.putAll(signedPackages);
            return c;
        }
    }

    @Override
    public synchronized <T> T inTransaction(Function<DmStore, T> work) {
        State before = state.copy();
        try {
            return work.apply(this);
        } catch (RuntimeException e) {
            state = before;
            throw e;
        }
    }

    /** Test inspection: every alert recorded. */
    public synchronized List<ReceivedAlert> alerts() {
        return List.copyOf(state.alerts);
    }

    // devices

    @Override
    public void lockDevice(DevId devId, Instant now) {
        state.devices.putIfAbsent(devId, DeviceProfile.unknown(devId));
    }

    @Override
    public Optional<DeviceProfile> findDevice(DevId devId) {
        return Optional.ofNullable(state.devices.get(devId));
    }

    @Override
    public void saveDevice(DeviceProfile profile) {
        state.devices.put(profile.devId(), profile);
    }

    @Override
    public Optional<DevId> deviceOnLine(Line line) {
        return state.devices.values().stream().filter(d -> line.equals(d.line()) && d.lastSeen() != null)
                .max(Comparator.comparing(DeviceProfile::lastSeen)).map(DeviceProfile::devId);
    }

    @Override
    public List<DeviceProfile> devices(DeviceFilter filter, Reach reach, DevId after, int limit) {
        return state.devices.values().stream().filter(d -> d.lastSeen() != null)
                .filter(d -> after == null || d.devId().value().compareTo(after.value()) > 0)
                .filter(d -> filter == null || filter.matches(d))
                .filter(d -> reaches(d, reach))
                .sorted(Comparator.comparing(d -> d.devId().value())).limit(limit).toList();
    }

    @Override
    public boolean reaches(DevId devId, Reach reach) {
        DeviceProfile d = state.devices.get(devId);
        return d != null && reaches(d, reach);
    }

    private boolean reaches(DeviceProfile d, Reach reach) {
        return switch (reach) {
            case Reach.All all -> true;
            case Reach.Subscribers s -> d.line() != null && s.subscriberIds().stream()
                    .anyMatch(id -> subscriberLines.getOrDefault(id, Set.of()).contains(d.line()));
            case Reach.Matching m -> m.filter().matches(d);
        };
    }

    // device care (the portal's reads)

    @Override
    public synchronized List<String> linesOf(String subscriberId) {
        return subscriberLines.getOrDefault(subscriberId, Set.of()).stream().map(Line::value).sorted().toList();
    }

    @Override
    public List<DeviceProfile> devicesOn(java.util.Collection<Line> lines) {
        return state.devices.values().stream().filter(d -> d.line() != null && lines.contains(d.line()))
                .sorted(Comparator.comparing(d -> d.devId().value())).toList();
    }

    @Override
    public Optional<String> registeredName(String subscriberId, DevId devId) {
        return Optional.empty();
    }

    @Override
    public List<SignedPackage> verifiedPackagesFor(String man, String mod) {
        return state.signedPackages.values().stream().filter(SignedPackage::isVerified)
                .filter(p -> p.metadata().targets().man() == null || p.metadata().targets().man().equals(man))
                .filter(p -> p.metadata().targets().mod() == null || p.metadata().targets().mod().equals(mod))
                .toList();
    }

    @Override
    public Optional<SignedPackage> readPackage(String packageId) {
        return Optional.ofNullable(state.signedPackages.get(packageId));
    }

    /** Provisioned subscriber data, as the subscribers reach sees it. */
    public synchronized void subscriberHasLine(String subscriberId, Line line) {
        subscriberLines.computeIfAbsent(subscriberId, k -> new java.util.HashSet<>()).add(line);
    }

    @Override
    public void recordTransaction(Transaction t) {
        state.transactions.add(t);
    }

    public synchronized List<Transaction> transactions() {
        return List.copyOf(state.transactions);
    }

    @Override
    public void putNodeValues(DevId devId, List<NodeValue> values) {
        values.forEach(v -> state.tree.put(devId.value() + "\n" + v.uri(), v));
    }

    @Override
    public List<NodeValue> tree(DevId devId, String uri) {
        String prefix = devId.value() + "\n";
        boolean all = uri.equals(".") || uri.equals("./");
        return state.tree.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue)
                .filter(v -> all || v.uri().equals(uri) || v.uri().startsWith(uri + "/")).toList();
    }

    // data repository

    @Override
    public void insertDataItem(DataItem item) {
        state.dataItems.put(item.itemId(), item);
    }

    @Override
    public Optional<DataItem> findDataItem(String itemId) {
        return Optional.ofNullable(state.dataItems.get(itemId));
    }

    @Override
    public void deleteValueItemsOf(String operationId) {
        state.dataItems.values().removeIf(i -> i.operationId().equals(operationId) && i.kind() == DataItem.Kind.VALUE);
    }

    @Override
    public void closeStandingUploads(DevId devId, String startUri) {
        state.dataItems.replaceAll((id, i) -> i.kind() == DataItem.Kind.STANDING_UPLOAD && i.belongsTo(devId)
                && state.commands.get(i.commandId()).uri().equals(startUri)
                        ? new DataItem(i.itemId(), i.devId(), i.operationId(), i.commandId(), DataItem.Kind.CLOSED,
                                i.mediaType(), i.content(), i.createdTime())
                        : i);
    }

    @Override
    public long insertUpload(Upload upload) {
        state.uploads.add(upload);
        return state.uploads.size();
    }

    @Override
    public void recordEvent(DmEvent event) {
        state.events.add(new DmEvent(state.events.size() + 1, event.type(), event.devId(), event.operationId(),
                event.alertReceiptId(), event.uploadId(), event.occurredAt()));
    }

    /** Test inspection: every event recorded, in order. */
    public synchronized List<DmEvent> events() {
        return List.copyOf(state.events);
    }

    @Override
    public List<Upload> uploadsOf(String operationId) {
        return state.uploads.stream().filter(u -> u.operationId().equals(operationId)).toList();
    }

    // operations and commands

    @Override
    public long nextOperationSeq() {
        return ++state.seq;
    }

    @Override
    public void insertOperation(Operation operation) {
        if (state.operations.putIfAbsent(operation.operationId(), operation) != null) {
            throw new IllegalStateException("duplicate operation " + operation.operationId());
        }
    }

    @Override
    public void executionFollows(Operation operation) {
        // the domain tests of operations have no jobs; jobs are tested on PostgreSQL
    }

    @Override
    public void updateOperation(Operation operation) {
        requireKnown(state.operations, operation.operationId());
        state.operations.put(operation.operationId(), operation);
    }

    @Override
    public Optional<Operation> findOperation(String operationId) {
        return Optional.ofNullable(state.operations.get(operationId));
    }

    @Override
    public Optional<Operation> findByClientCorrelator(Requester requester, String clientCorrelator) {
        return state.operations.values().stream().filter(o -> o.requester().equals(requester)
                && clientCorrelator.equals(o.request().clientCorrelator())).findFirst();
    }

    @Override
    public List<Operation> operationsOf(Requester requester, int offset, int limit) {
        return state.operations.values().stream().filter(o -> o.requester().equals(requester))
                .sorted(Comparator.comparingLong(Operation::seq).reversed()).skip(offset).limit(limit).toList();
    }

    @Override
    public List<Operation> queuedOperations(DevId devId) {
        return state.operations.values().stream()
                .filter(o -> o.devId().equals(devId) && o.state() == OperationState.QUEUED)
                .sorted(Comparator.comparingLong(Operation::seq)).toList();
    }

    @Override
    public List<Operation> overdueOperations(Instant now, int limit) {
        return state.operations.values().stream().filter(o -> o.isOverdue(now))
                .sorted(Comparator.comparing(Operation::deadline)).limit(limit).toList();
    }

    @Override
    public void insertCommands(List<Command> commands) {
        commands.forEach(c -> state.commands.put(c.commandId(), c));
    }

    @Override
    public void updateCommand(Command command) {
        requireKnown(state.commands, command.commandId());
        state.commands.put(command.commandId(), command);
    }

    @Override
    public List<Command> commandsOf(String operationId) {
        return state.commands.values().stream().filter(c -> c.operationId().equals(operationId))
                .sorted(Comparator.comparingInt(Command::index)).toList();
    }

    @Override
    public Optional<Command> findCommand(String commandId) {
        return Optional.ofNullable(state.commands.get(commandId));
    }

    @Override
    public Optional<Command> findCommandByCorrelator(String correlator) {
        return state.commands.values().stream().filter(c -> correlator.equals(c.correlator())).findFirst();
    }

    // sessions and packages

    @Override
    public void insertSession(Session session) {
        if (state.sessions.putIfAbsent(session.sessionId(), session) != null) {
            throw new IllegalStateException("duplicate session " + session.sessionId());
        }
        checkOnePerState(session.devId());
    }

    @Override
    public void updateSession(Session session) {
        requireKnown(state.sessions, session.sessionId());
        state.sessions.put(session.sessionId(), session);
        checkOnePerState(session.devId());
    }

    /** What partial unique indexes on (devId) WHERE state = 'PENDING' / 'STARTED' enforce in SQL. */
    private void checkOnePerState(DevId devId) {
        for (SessionState s : List.of(SessionState.PENDING, SessionState.STARTED)) {
            if (state.sessions.values().stream().filter(x -> x.devId().equals(devId) && x.state() == s).count() > 1) {
                throw new IllegalStateException("two " + s + " sessions for " + devId);
            }
        }
    }

    @Override
    public Optional<Session> findSession(String sessionId) {
        return Optional.ofNullable(state.sessions.get(sessionId));
    }

    @Override
    public Optional<Session> pendingSession(DevId devId) {
        return sessionIn(devId, SessionState.PENDING);
    }

    @Override
    public Optional<Session> startedSession(DevId devId) {
        return sessionIn(devId, SessionState.STARTED);
    }

    private Optional<Session> sessionIn(DevId devId, SessionState s) {
        return state.sessions.values().stream().filter(x -> x.devId().equals(devId) && x.state() == s).findFirst();
    }

    @Override
    public List<Session> completedSessions(DevId devId, int offset, int limit) {
        return state.sessions.values().stream().filter(x -> x.devId().equals(devId) && x.state() == SessionState.ENDED)
                .sorted(Comparator.comparing(Session::endTime).reversed()).skip(offset).limit(limit).toList();
    }

    @Override
    public void insertPackage(SessionPackage sessionPackage) {
        state.packages.put(sessionPackage.packageId(), sessionPackage);
    }

    @Override
    public void updatePackage(SessionPackage sessionPackage) {
        requireKnown(state.packages, sessionPackage.packageId());
        state.packages.put(sessionPackage.packageId(), sessionPackage);
    }

    @Override
    public Optional<SessionPackage> findPackage(String packageId) {
        return Optional.ofNullable(state.packages.get(packageId));
    }

    @Override
    public List<DevId> devicesUnreportedSince(Instant cutoff) {
        return state.sessions.values().stream().filter(s -> s.state() == SessionState.STARTED)
                .filter(s -> !state.packages.get(s.currentPackageId()).issuedTime().isAfter(cutoff))
                .map(Session::devId).toList();
    }

    // alerts

    @Override
    public Optional<ReceivedAlert> findAlert(DevId devId, String alertId) {
        return state.alerts.stream().filter(a -> a.devId().equals(devId) && alertId.equals(a.alert().alertId()))
                .findFirst();
    }

    @Override
    public void insertAlert(ReceivedAlert alert) {
        state.alerts.add(alert);
    }

    @Override
    public Optional<TokenBucket> alertBucket(DevId devId) {
        return Optional.ofNullable(state.buckets.get(devId));
    }

    @Override
    public void saveAlertBucket(DevId devId, TokenBucket bucket) {
        state.buckets.put(devId, bucket);
    }

    // signed packages

    @Override
    public void insertSignedPackage(SignedPackage p) {
        state.signedPackages.put(p.packageId(), p);
    }

    @Override
    public Optional<SignedPackage> findSignedPackage(String packageId) {
        return Optional.ofNullable(state.signedPackages.get(packageId));
    }

    @Override
    public void updateSignedPackage(SignedPackage p) {
        requireKnown(state.signedPackages, p.packageId());
        state.signedPackages.put(p.packageId(), p);
    }

    @Override
    public void deleteSignedPackage(String packageId) {
        state.signedPackages.remove(packageId);
    }

    @Override
    public List<SignedPackage> packagesOf(String clientId, String afterId, int limit) {
        return state.signedPackages.values().stream().filter(p -> p.clientId().equals(clientId))
                .filter(p -> afterId == null || p.packageId().compareTo(afterId) > 0).limit(limit).toList();
    }

    @Override
    public boolean contentShared(String sha256, String packageId) {
        return state.signedPackages.values().stream().anyMatch(p -> !p.packageId().equals(packageId)
                && p.state() == PackageState.VERIFIED && p.metadata().sha256().equals(sha256));
    }

    @Override
    public boolean liveOperationNames(String packageId) {
        return state.commands.values().stream().anyMatch(c -> packageId.equals(c.packageRef())
                && !state.operations.get(c.operationId()).isFinal());
    }

    @Override
    public Optional<LiveCommand> liveCommand(DevId devId, String packageId) {
        return state.commands.values().stream().filter(c -> packageId.equals(c.packageRef())
                && c.devId().equals(devId) && c.isBound())
                .map(c -> state.operations.get(c.operationId())).filter(o -> !o.isFinal())
                .findFirst().map(o -> new LiveCommand(o.operationId(), o.requester().kind() == Requester.Kind.ACCOUNT
                        ? null : o.requester().client() != null ? o.requester().client() : o.requester().id()));
    }

    @Override
    public List<Installation> installations(String packageId) {
        return state.commands.values().stream().filter(c -> packageId.equals(c.packageRef()))
                .map(c -> state.operations.get(c.operationId())).distinct()
                .map(o -> new Installation(o.devId(), o.operationId(), o.request().type().wire(), o.state().wire(),
                        o.resultCode(), o.resultText(), o.acceptedTime(),
                        o.isFinal() ? o.timeline().getLast().time() : null)).toList();
    }

    private static void requireKnown(Map<String, ?> map, String id) {
        if (!map.containsKey(id)) {
            throw new IllegalStateException("update of unknown " + id);
        }
    }
}
