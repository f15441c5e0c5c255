package org.omatwin.core.dm;

import org.omatwin.core.dm.policy.ClientPolicy;
import org.omatwin.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.omatwin.core.dm.alert.AlertPolicy;
import org.omatwin.core.dm.alert.AlertUseCases;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.command.CommandStatus;
import org.omatwin.core.dm.command.ResultItem;
import org.omatwin.core.dm.data.DataUseCases;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.dmwsi.OperationUseCases;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationPlanner;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.dm.operation.SessionMode;
import org.omatwin.core.dm.session.DeviceQueue;
import org.omatwin.core.dm.session.PackageView;
import org.omatwin.core.dm.session.SessionPending;
import org.omatwin.core.dm.session.SessionPolicy;
import org.omatwin.core.dm.session.SessionReport;
import org.omatwin.core.dm.session.SessionUseCases;
import org.omatwin.core.infra.error.ApiException;

/**
 * The DM domain wired to a store (the in-memory one, or PostgreSQL for the *OnPostgresTest classes)
 * and a clock the test moves.
 */
final class DmFixture {
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    static final DevId WATCH = DevId.of("urn:imei:356938035643809");
    static final DevId PHONE = DevId.of("urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66");
    static final Requester CARE = Requester.client("care-desk");
    static final Requester OTHER_CLIENT = Requester.client("someone-else");

    final MutableClock clock = new MutableClock(T0);
    /** The store the fixtures of the running test class use; the *OnPostgresTest classes switch it. */
    static volatile Supplier<DmStoreUnderTest> backend = DmStoreUnderTest::inMemory;

    final DmStoreUnderTest store = backend.get();
    final List<SessionPending> woken = new ArrayList<>();
    final DeviceQueue queue = new DeviceQueue(store, woken::add);
    final SessionUseCases sessions;
    final OperationUseCases operations;
    final AlertUseCases alerts;
    final DataUseCases data = new DataUseCases(store, clock);

    DmFixture() {
        this(SessionPolicy.DEFAULT, AlertPolicy.DEFAULT);
    }

    DmFixture(SessionPolicy sessionPolicy, AlertPolicy alertPolicy) {
        sessions = new SessionUseCases(queue, sessionPolicy, clock);
        operations = new OperationUseCases(queue, new OperationPlanner(OperationPlanner.NO_PACKAGES), url -> { },
                clock);
        alerts = new AlertUseCases(store, alertPolicy, clock);
    }

    Operation accept(OperationRequest request) {
        return operations.accept(CARE, request, ClientPolicy.unrestricted("care-desk")).operation();
    }

    Operation retrieve(DevId devId, SessionMode mode, String... uris) {
        return accept(OperationRequest.of(OperationType.RETRIEVE, OperationArguments.uris(List.of(uris)), devId)
                .withMode(mode));
    }

    Operation retrieve(String... uris) {
        return retrieve(WATCH, SessionMode.BACKGROUND, uris);
    }

    Operation operation(String operationId) {
        return operations.get(CARE, operationId);
    }

    /** A report giving every command of the package the same code, a GET returning "v:" + its uri. */
    static SessionReport reportAll(PackageView view, int sc) {
        return new SessionReport(view.commands().stream().map(c -> status(c, sc)).toList());
    }

    static CommandStatus status(Command c, int sc) {
        return new CommandStatus(c.cmdId(), sc, sc == 200 && c.op().name().equals("GET")
                ? List.of(new ResultItem(c.uri(), "chr", "v:" + c.uri())) : List.of());
    }

    static ApiException refusal(ThrowingCallable call) {
        ApiException e = catchThrowableOfType(ApiException.class, call);
        if (e == null) {
            throw new AssertionError("expected a refusal");
        }
        return e;
    }

}
