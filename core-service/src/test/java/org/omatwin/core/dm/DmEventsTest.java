package org.omatwin.core.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.dm.DmFixture.PHONE;
import static org.omatwin.core.dm.DmFixture.WATCH;
import static org.omatwin.core.dm.DmFixture.reportAll;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.alert.Alert;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.command.CommandOp;
import org.omatwin.core.dm.device.DevDetail;
import org.omatwin.core.dm.device.DevInfo;
import org.omatwin.core.dm.event.DmEvent;
import org.omatwin.core.dm.event.DmEventType;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.operation.SessionMode;
import org.omatwin.core.dm.operation.UiMode;
import org.omatwin.core.dm.session.PackageView;
import org.omatwin.core.dm.session.SessionStart;

/**
 * Section 7's events, recorded by the use cases in the transaction of the change they report: what
 * raises which event, for whom, and that a refused request raises none.
 */
class DmEventsTest {
    private final DmFixture dm = new DmFixture();

    private List<DmEvent> events() {
        return dm.store.events();
    }

    private List<DmEventType> types() {
        return events().stream().map(DmEvent::type).toList();
    }

    @Test
    void anOperationThatEndsIsOneOperationCompletedEventOfThatOperation() {
        Operation op = dm.retrieve("./DevInfo/Man");
        assertThat(events()).as("accepting and delivering raise nothing").isEmpty();
        PackageView view = dm.sessions.next(WATCH, null).orElseThrow();
        assertThat(events()).isEmpty();
        dm.sessions.report(WATCH, view.sessionId(), reportAll(view, 200));
        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(DmEventType.OPERATION_COMPLETED);
            assertThat(e.operationId()).isEqualTo(op.operationId());
            assertThat(e.devId()).isEqualTo(WATCH);
            assertThat(e.isPrivate()).as("only its requester hears of it").isTrue();
            assertThat(e.occurredAt()).isEqualTo(dm.operation(op.operationId()).timeline().getLast().time());
        });
    }

    @Test
    void aCustomerCareOperationThatFailsIsAlsoAFaultForItsRequester() {
        Operation care = dm.retrieve(WATCH, new SessionMode(UiMode.BACKGROUND, true), "./DevInfo/Man");
        PackageView view = dm.sessions.next(WATCH, null).orElseThrow();
        // a customer-care session of its own: the background one is not started
        dm.sessions.report(WATCH, view.sessionId(), reportAll(view, 404));
        assertThat(types()).containsExactly(DmEventType.OPERATION_COMPLETED, DmEventType.FAULT);
        assertThat(events()).allSatisfy(e -> {
            assertThat(e.operationId()).isEqualTo(care.operationId());
            assertThat(e.isPrivate()).isTrue();
        });
    }

    @Test
    void anOrdinaryOperationThatFailsOrTimesOutIsNoFault() {
        dm.retrieve("./DevInfo/Man");
        PackageView view = dm.sessions.next(WATCH, null).orElseThrow();
        dm.sessions.report(WATCH, view.sessionId(), reportAll(view, 404));
        dm.retrieve(PHONE, SessionMode.BACKGROUND, "./DevInfo/Man");
        dm.clock.advance(Duration.ofDays(2));
        dm.operations.expireOperations(dm.clock.instant());
        assertThat(types()).containsExactly(DmEventType.OPERATION_COMPLETED, DmEventType.OPERATION_COMPLETED);
    }

    @Test
    void aCancelledOperationCompletesToo() {
        Operation op = dm.retrieve("./DevInfo/Man");
        dm.operations.cancel(DmFixture.CARE, op.operationId());
        dm.operations.cancel(DmFixture.CARE, op.operationId());
        assertThat(events()).singleElement().satisfies(e -> assertThat(e.type())
                .isEqualTo(DmEventType.OPERATION_COMPLETED));
    }

    @Test
    void everyAlertIsAnAlertEventOfTheDeviceAndAFaultOrNodeChangeAlsoItsOwnEvent() {
        dm.alerts.receive(WATCH, new Alert("a1", "com.example.battery.low", null, null, null, null, null, null));
        dm.alerts.receive(WATCH, new Alert("a2", Alert.FAULT, "./DevDetail", null, null, null, "{\"code\":7}", null));
        dm.alerts.receive(WATCH, new Alert("a3", Alert.NODE_CHANGED, "./DevDetail/FwV", null, null, null, null, null));
        dm.alerts.receive(WATCH, new Alert("a3", Alert.NODE_CHANGED, "./DevDetail/FwV", null, null, null, null, null));
        assertThat(types()).containsExactly(DmEventType.ALERT, DmEventType.ALERT, DmEventType.FAULT, DmEventType.ALERT,
                DmEventType.NODE_CHANGED);
        assertThat(events()).allSatisfy(e -> {
            assertThat(e.alertReceiptId()).isNotNull();
            assertThat(e.isPrivate()).as("device events go to every subscriber of the device").isFalse();
        });
        assertThat(dm.store.alerts()).as("the repeated alertId a3 counts once").hasSize(3);
    }

    @Test
    void anAlertThatCompletesAnOperationIsTheDevicesAlertAndTheOperationsEnd() {
        dm.accept(OperationRequest.of(OperationType.EXECUTE, OperationArguments.uri("./FUMO/1/Update", null), WATCH));
        PackageView view = dm.sessions.next(WATCH, null).orElseThrow();
        dm.sessions.report(WATCH, view.sessionId(), reportAll(view, 202));
        assertThat(events()).as("202: the result is still due").isEmpty();
        Command exec = view.commands().get(0);
        dm.alerts.receive(WATCH, new Alert(null, Alert.FUMO_UPDATE, "./FUMO/1", exec.correlator(), 200, null, null,
                null));
        assertThat(types()).containsExactly(DmEventType.ALERT, DmEventType.OPERATION_COMPLETED);
        assertThat(events().get(0).isPrivate()).isFalse();
        assertThat(events().get(1).isPrivate()).isTrue();
    }

    @Test
    void anUploadIsAnUploadReceivedEventOfItsOperation() {
        Operation op = dm.accept(OperationRequest.of(OperationType.DIAGNOSTICS_START,
                new OperationArguments(null, null, null, null, null, null, "./DiagMon/1", 60, null), WATCH));
        PackageView view = dm.sessions.next(WATCH, null).orElseThrow();
        Command put = view.commands().stream().filter(c -> c.op() == CommandOp.HPUT).findFirst().orElseThrow();
        dm.data.upload(WATCH, put.dataItemId(), "application/json", "{\"rssi\":-71}".getBytes(StandardCharsets.UTF_8));
        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(DmEventType.UPLOAD_RECEIVED);
            assertThat(e.operationId()).isEqualTo(op.operationId());
            assertThat(e.uploadId()).isNotNull();
            assertThat(e.isPrivate()).isTrue();
        });
    }

    @Test
    void anotherFirmwareOrSoftwareVersionInPackageOneIsAChangeButTheFirstReportIsNot() {
        SessionStart first = new SessionStart(WATCH, new DevInfo("Acme", "W1", "2.0", "en"),
                new DevDetail("watch", "Acme", "4.2.0", "1.0", "A"), List.of());
        dm.sessions.next(WATCH, first);
        dm.sessions.next(WATCH, first);
        assertThat(events()).as("first report, then the same versions").isEmpty();
        dm.sessions.next(WATCH, new SessionStart(WATCH, null, new DevDetail(null, null, "4.3.0", null, null), null));
        assertThat(types()).containsExactly(DmEventType.FIRMWARE_CHANGED);
        dm.sessions.next(WATCH, new SessionStart(WATCH, null, new DevDetail(null, null, "4.3.0", "1.1", null), null));
        assertThat(types()).containsExactly(DmEventType.FIRMWARE_CHANGED, DmEventType.SOFTWARE_CHANGED);
        assertThat(events()).allSatisfy(e -> assertThat(e.operationId()).isNull());
    }

    @Test
    void aRefusedReportRaisesNothing() {
        dm.retrieve("./DevInfo/Man");
        PackageView view = dm.sessions.next(WATCH, null).orElseThrow();
        DmFixture.refusal(() -> dm.sessions.report(WATCH, view.sessionId(),
                new org.omatwin.core.dm.session.SessionReport(List.of())));
        assertThat(events()).isEmpty();
    }

    @Test
    void aDiagnosticsFunctionReportsToItsStandingItemUntilAStopSucceeds() {
        Operation start = dm.accept(OperationRequest.of(OperationType.DIAGNOSTICS_START,
                new OperationArguments(null, null, null, null, null, null, "./DiagMon/1", 60, null), WATCH));
        PackageView view = dm.sessions.next(WATCH, null).orElseThrow();
        Command exec = view.commands().stream().filter(c -> c.op() == CommandOp.EXEC).findFirst().orElseThrow();
        assertThat(exec.dataItemId()).as("the standing upload item the EXEC names").isNotNull();
        assertThat(exec.data()).isEqualTo("60");
        dm.sessions.report(WATCH, view.sessionId(), reportAll(view, 200));
        byte[] report = "{\"results\":[]}".getBytes(StandardCharsets.UTF_8);
        dm.data.upload(WATCH, exec.dataItemId(), "application/json", report);
        dm.data.upload(WATCH, exec.dataItemId(), "application/json", report);
        assertThat(dm.operations.uploads(DmFixture.CARE, start.operationId())).hasSize(2);

        dm.accept(OperationRequest.of(OperationType.DIAGNOSTICS_STOP,
                new OperationArguments(null, null, null, null, null, null, "./DiagMon/1", null, null), WATCH));
        PackageView stop = dm.sessions.next(WATCH, null).orElseThrow();
        dm.sessions.report(WATCH, stop.sessionId(), reportAll(stop, 200));
        assertThat(DmFixture.refusal(() -> dm.data.upload(WATCH, exec.dataItemId(), "application/json", report))
                .error()).isEqualTo(org.omatwin.core.infra.error.ApiError.NOT_FOUND);
        assertThat(dm.operations.uploads(DmFixture.CARE, start.operationId())).as("kept, readable").hasSize(2);
        assertThat(types()).as("the periodic reports arrive after the start ended, each for its operation")
                .containsExactly(DmEventType.OPERATION_COMPLETED, DmEventType.UPLOAD_RECEIVED,
                        DmEventType.UPLOAD_RECEIVED, DmEventType.OPERATION_COMPLETED);
        assertThat(events().subList(1, 3)).allSatisfy(e -> assertThat(e.operationId()).isEqualTo(start.operationId()));
    }
}
