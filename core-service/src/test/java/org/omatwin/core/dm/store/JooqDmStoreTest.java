package org.omatwin.core.dm.store;

import org.omatwin.core.dm.policy.ClientPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.omatwin.core.store.schema.Tables.DM_SESSION;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.DmStore;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.command.CommandOp;
import org.omatwin.core.dm.command.CommandStatus;
import org.omatwin.core.dm.command.ResultItem;
import org.omatwin.core.dm.data.DataItem;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.NodeValue;
import org.omatwin.core.dm.dmwsi.OperationUseCases;
import org.omatwin.core.dm.operation.CommandSpec;
import org.omatwin.core.dm.operation.ConfigValue;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationPlanner;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationState;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.dm.operation.SessionMode;
import org.omatwin.core.dm.operation.UiMode;
import org.omatwin.core.dm.session.DeviceQueue;
import org.omatwin.core.dm.session.Session;
import org.omatwin.core.dm.session.SessionPackage;
import org.omatwin.core.dm.session.SessionPending;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.storage.Database;
import org.omatwin.core.infra.storage.Transactions;

/**
 * What only a real PostgreSQL can show: the rules that must hold across core instances (one pending
 * session per device, the device lock), durability, and that rows map back to equal domain records.
 * The domain rules themselves run on this store in the dm package's *OnPostgresTest classes.
 */
class JooqDmStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00.123456Z");
    private static final DevId WATCH = DevId.of("urn:imei:356938035643809");
    private static final Requester CARE = Requester.client("care-desk");

    private final Transactions<DmStore> tx = DmPostgres.transactions();
    private final JooqDmStore reads = DmPostgres.autocommit();

    @BeforeEach
    void clear() {
        DmPostgres.clear();
    }

    @Test
    void theDatabaseRefusesASecondPendingSessionFromAConcurrentTransaction() throws Exception {
        tx.inTransaction(s -> {
            s.lockDevice(WATCH, T0);
            return null;
        });
        CountDownLatch firstInserted = new CountDownLatch(1);
        CountDownLatch secondStarted = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // Neither transaction takes the device lock: only the partial unique index stands between them.
            Future<?> first = pool.submit(() -> tx.inTransaction(s -> {
                s.insertSession(Session.pending("s-first", WATCH, SessionMode.BACKGROUND, T0));
                firstInserted.countDown();
                await(secondStarted);
                sleep(300); // the second one is now waiting on the index entry
                return null;
            }));
            await(firstInserted);
            Future<?> second = pool.submit(() -> tx.inTransaction(s -> {
                secondStarted.countDown();
                s.insertSession(Session.pending("s-second", WATCH, SessionMode.BACKGROUND, T0));
                return null;
            }));
            first.get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> second.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.CONFLICT));
        } finally {
            pool.shutdownNow();
        }
        assertThat(reads.pendingSession(WATCH)).map(Session::sessionId).contains("s-first");
        assertThat(DmPostgres.database().dsl().fetchCount(DM_SESSION, DM_SESSION.DEV_ID.eq(WATCH.value()))).isOne();
    }

    @Test
    void aSecondStartedSessionIsRefusedToo() {
        tx.inTransaction(s -> {
            s.lockDevice(WATCH, T0);
            s.insertSession(Session.pending("s-one", WATCH, SessionMode.BACKGROUND, T0).started(List.of("s-one"), T0));
            return null;
        });
        assertThatThrownBy(() -> tx.inTransaction(s -> {
            s.insertSession(Session.pending("s-two", WATCH, SessionMode.BACKGROUND, T0).started(List.of("s-two"), T0));
            return null;
        })).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.CONFLICT));
    }

    @Test
    void concurrentAcceptsOnOneDeviceSerialiseOnItsLockAndMakeOnePendingSession() throws Exception {
        List<SessionPending> woken = Collections.synchronizedList(new ArrayList<>());
        OperationUseCases operations = new OperationUseCases(new DeviceQueue(tx, woken::add),
                new OperationPlanner(OperationPlanner.NO_PACKAGES), url -> { }, Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> accepted = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                accepted.add(pool.submit(() -> operations.accept(CARE, OperationRequest.of(OperationType.RETRIEVE,
                        OperationArguments.uris(List.of("./DevInfo")), WATCH), ClientPolicy.unrestricted("care-desk"))));
            }
            for (Future<?> f : accepted) {
                f.get(30, TimeUnit.SECONDS); // none refused: the device lock ordered them
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(reads.queuedOperations(WATCH)).hasSize(12);
        assertThat(woken).hasSize(1);
        assertThat(reads.pendingSession(WATCH)).map(Session::sessionId).contains(woken.get(0).sessionId());
    }

    @Test
    void lockDeviceHoldsASecondTransactionUntilTheFirstCommits() throws Exception {
        CountDownLatch locked = new CountDownLatch(1);
        AtomicLong firstCommitting = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = pool.submit(() -> tx.inTransaction(s -> {
                s.lockDevice(WATCH, T0); // creates the row and locks it
                locked.countDown();
                sleep(400);
                firstCommitting.set(System.nanoTime());
                return null;
            }));
            await(locked);
            long secondLocked = pool.submit(() -> tx.inTransaction(s -> {
                s.lockDevice(WATCH, T0);
                return System.nanoTime();
            })).get(10, TimeUnit.SECONDS);
            first.get(10, TimeUnit.SECONDS);
            assertThat(secondLocked).isGreaterThan(firstCommitting.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPendingSessionSurvivesReopeningTheDatabase() {
        Path dir = DmPostgres.tempDir();
        String operationId;
        String sessionId;
        SessionMode informative = new SessionMode(UiMode.INFORMATIVE, true);
        try (Database db = DmPostgres.start(dir)) {
            List<SessionPending> woken = new ArrayList<>();
            OperationUseCases operations = new OperationUseCases(
                    new DeviceQueue(db.transactions(JooqDmStore::new), woken::add),
                    new OperationPlanner(OperationPlanner.NO_PACKAGES), url -> { }, Clock.systemUTC());
            operationId = operations.accept(CARE, OperationRequest.of(OperationType.RETRIEVE,
                    OperationArguments.uris(List.of("./DevInfo")), WATCH).withMode(informative), ClientPolicy.unrestricted("care-desk")).operation().operationId();
            sessionId = woken.get(0).sessionId();
        }
        try (Database db = DmPostgres.start(dir)) {
            JooqDmStore store = new JooqDmStore(db.dsl());
            Session pending = store.pendingSession(WATCH).orElseThrow();
            assertThat(pending.sessionId()).isEqualTo(sessionId);
            assertThat(pending.mode()).isEqualTo(informative);
            assertThat(store.findOperation(operationId).orElseThrow().state()).isEqualTo(OperationState.QUEUED);
        }
    }

    @Test
    void anOperationReadsBackEqualToWhatWasWritten() {
        OperationRequest request = new OperationRequest(OperationType.COMMANDS,
                new OperationArguments(List.of("./A", "./B"), List.of(new ConfigValue("./C", "secret", null)), "pkg-1",
                        null, "", "comp", null, 60, List.of(new CommandSpec("EXEC", "./D", null, null))),
                WATCH, new SessionMode(UiMode.USER_INTERACTION, true), "https://caller.example/cb", "cb-data",
                "corr-1", 120);
        Operation op = Operation.queued("o-1", 7, CARE, request, T0)
                .delivered("s-1", T0.plusSeconds(1))
                .awaitingAlert(202, List.of(new ResultItem("./A", "chr", "v"), new ResultItem("./B", null, null)))
                .succeeded(200, List.of(new ResultItem("./A", "int", "1")), T0.plusSeconds(2));
        tx.inTransaction(s -> {
            s.lockDevice(WATCH, T0);
            s.insertOperation(Operation.queued("o-1", 7, CARE, OperationRequest.of(OperationType.RETRIEVE,
                    OperationArguments.NONE, WATCH).withClientCorrelator("corr-1"), T0));
            s.updateOperation(op);
            return null;
        });
        assertThat(reads.findOperation("o-1")).contains(op);
        assertThat(reads.findByClientCorrelator(CARE, "corr-1")).contains(op);
        assertThat(reads.findByClientCorrelator(Requester.job("care-desk", "care-desk"), "corr-1")).isEmpty();
        assertThat(reads.overdueOperations(T0.plusSeconds(10_000), 10)).isEmpty(); // final: never overdue
    }

    @Test
    void commandsPackagesAndItemsReadBackEqual() {
        Command command = Command.queued("k-1", WATCH, "o-1", 0, CommandOp.GET, "./DevInfo", null, "c-1", null, null)
                .boundTo("s-1", "1")
                .reported(new CommandStatus("1", 200, List.of(new ResultItem("./DevInfo/Man", "chr", "ACME"))), T0);
        SessionPackage pkg = new SessionPackage("s-1", "s-1", WATCH, 0, List.of("k-1"), true, T0, null, null)
                .reported(List.of(new CommandStatus("1", 200, List.of()), new CommandStatus("2", 500, null)), T0);
        DataItem item = new DataItem("d-1", WATCH, "o-1", "k-1", DataItem.Kind.VALUE, "text/plain",
                new byte[] {0, 1, (byte) 0xff}, T0);
        tx.inTransaction(s -> {
            s.lockDevice(WATCH, T0);
            s.insertOperation(Operation.queued("o-1", 1, CARE, OperationRequest.of(OperationType.RETRIEVE,
                    OperationArguments.NONE, WATCH), T0));
            s.insertCommands(List.of(Command.queued("k-1", WATCH, "o-1", 0, CommandOp.GET, "./DevInfo", null, "c-1",
                    null, null)));
            s.updateCommand(command);
            s.insertSession(Session.pending("s-1", WATCH, SessionMode.BACKGROUND, T0).started(List.of("s-1"), T0));
            s.insertPackage(pkg);
            s.insertDataItem(item);
            return null;
        });
        assertThat(reads.findCommand("k-1")).contains(command);
        assertThat(reads.findCommandByCorrelator("c-1")).contains(command);
        assertThat(reads.findPackage("s-1")).contains(pkg);
        assertThat(reads.devicesUnreportedSince(T0)).containsExactly(WATCH);
        assertThat(reads.devicesUnreportedSince(T0.minusSeconds(1))).isEmpty();
        DataItem read = reads.findDataItem("d-1").orElseThrow();
        assertThat(read.content()).containsExactly(0, 1, 0xff);
        assertThat(read).usingRecursiveComparison().isEqualTo(item);
        assertThatThrownBy(() -> tx.inTransaction(s -> {
            s.updateSession(Session.pending("s-unknown", WATCH, SessionMode.BACKGROUND, T0));
            return null;
        })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theTreeIsListedByUriAndASubtreeIsAPrefixNotAPattern() {
        tx.inTransaction(s -> {
            s.lockDevice(WATCH, T0);
            s.putNodeValues(WATCH, List.of(new NodeValue("./b_c/x", "chr", "1", T0),
                    new NodeValue("./bXc/y", "chr", "2", T0), new NodeValue("./b_c", "node", null, T0),
                    new NodeValue("./B", "chr", "3", T0), new NodeValue("./b_cd", "chr", "4", T0),
                    new NodeValue("./B", "chr", "3b", T0.plusSeconds(1))));
            return null;
        });
        // code point order, like the in-memory TreeMap ('X' < '_' < 'c'), whatever the database's collation
        assertThat(reads.tree(WATCH, "./").stream().map(NodeValue::uri))
                .containsExactly("./B", "./bXc/y", "./b_c", "./b_c/x", "./b_cd");
        assertThat(reads.tree(WATCH, "./b_c").stream().map(NodeValue::uri)).containsExactly("./b_c", "./b_c/x");
        assertThat(reads.tree(WATCH, "./B")).containsExactly(new NodeValue("./B", "chr", "3b", T0.plusSeconds(1)));
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
