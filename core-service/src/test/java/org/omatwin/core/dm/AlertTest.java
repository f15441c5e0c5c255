package org.omatwin.core.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.dm.DmFixture.PHONE;
import static org.omatwin.core.dm.DmFixture.WATCH;
import static org.omatwin.core.dm.DmFixture.refusal;
import static org.omatwin.core.dm.DmFixture.reportAll;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.alert.Alert;
import org.omatwin.core.dm.alert.AlertPolicy;
import org.omatwin.core.dm.alert.AlertReceipt;
import org.omatwin.core.dm.alert.ResultCodes;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationState;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.dm.session.PackageView;
import org.omatwin.core.dm.session.SessionPolicy;
import org.omatwin.core.infra.error.ApiError;

/** 2.2's alerts: alertId, correlators, result codes and the per-device limit. */
class AlertTest {
    private final DmFixture dm = new DmFixture();

    private Command deliveredExec(DevId device) {
        dm.accept(OperationRequest.of(OperationType.EXECUTE, OperationArguments.uri("./FUMO/1/Update", null), device));
        PackageView view = dm.sessions.next(device, null).orElseThrow();
        dm.sessions.report(device, view.sessionId(), reportAll(view, 202));
        return view.commands().get(0);
    }

    private static Alert result(String alertId, String correlator, int code) {
        return new Alert(alertId, Alert.FUMO_UPDATE, "./FUMO/1", correlator, code, null, null, null);
    }

    private Operation operationOf(Command c) {
        return dm.operation(c.operationId());
    }

    @Test
    void aRepeatedAlertIdCountsOnce() {
        Command exec = deliveredExec(WATCH);
        AlertReceipt first = dm.alerts.receive(WATCH, result("al-1", exec.correlator(), 410));
        AlertReceipt again = dm.alerts.receive(WATCH, result("al-1", exec.correlator(), 410));
        assertThat(first.duplicate()).isFalse();
        assertThat(first.completed()).isPresent();
        assertThat(again.duplicate()).isTrue();
        assertThat(again.alert()).isEqualTo(first.alert());
        assertThat(dm.store.alerts()).hasSize(1);
        assertThat(dm.alerts.receive(PHONE, result("al-1", null, 200)).duplicate()).as("per device").isFalse();
    }

    @Test
    void aFumoFailureCodeFailsTheOperationWithItsStandardText() {
        Command exec = deliveredExec(WATCH);
        dm.alerts.receive(WATCH, result(null, exec.correlator(), 410));
        Operation op = operationOf(exec);
        assertThat(op.state()).isEqualTo(OperationState.FAILED);
        assertThat(op.resultCode()).isEqualTo(410);
        assertThat(op.resultText()).isEqualTo("Firmware Update Failed");
    }

    @Test
    void eachAlertIsOnTheLogOfTheClientWhoseOperationItAnswersAndUnaskedOnesOnNoClients() {
        Command exec = deliveredExec(WATCH);
        dm.alerts.receive(WATCH, result(null, exec.correlator(), 410));
        dm.alerts.receive(WATCH, new Alert(null, "com.example.battery.low", null, null, null, null, null, null));
        var log = dm.store.transactions();
        var alerts = log.stream().filter(t -> t.kind() == org.omatwin.core.dm.audit.Transaction.Kind.ALERT).toList();
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(0).clientId()).isEqualTo(DmFixture.CARE.id());
        assertThat(alerts.get(0).operationId()).isEqualTo(exec.operationId());
        assertThat(alerts.get(0).success()).as("410 is a failure").isFalse();
        assertThat(alerts.get(0).summary()).isEqualTo("alert " + Alert.FUMO_UPDATE + " ./FUMO/1 result 410");
        assertThat(alerts.get(1).clientId()).isNull();
        assertThat(alerts.get(1).success()).isTrue();
        // the operation the alert ended is on the log too, failed
        assertThat(log).anySatisfy(t -> {
            assertThat(t.kind()).isEqualTo(org.omatwin.core.dm.audit.Transaction.Kind.OPERATION);
            assertThat(t.operationId()).isEqualTo(exec.operationId());
            assertThat(t.success()).isFalse();
        });
    }

    @Test
    void aCorrelatorOfAnotherDevicesCommandDoesNotCount() {
        Command exec = deliveredExec(WATCH);
        AlertReceipt receipt = dm.alerts.receive(PHONE, result(null, exec.correlator(), 200));
        assertThat(receipt.completed()).isEmpty();
        assertThat(receipt.alert().operationId()).isNull();
        assertThat(operationOf(exec).state()).isEqualTo(OperationState.DELIVERED);
    }

    @Test
    void anAlertAfterTheOperationTimedOutIsRecordedButChangesNothing() {
        Command exec = deliveredExec(WATCH);
        dm.clock.advance(Duration.ofDays(1));
        dm.operations.expireOperations(dm.clock.instant());
        AlertReceipt receipt = dm.alerts.receive(WATCH, result(null, exec.correlator(), 200));
        assertThat(receipt.completed()).isEmpty();
        assertThat(dm.store.alerts()).hasSize(1);
        assertThat(operationOf(exec).state()).isEqualTo(OperationState.TIMED_OUT);
    }

    @Test
    void alertsPastTheDevicesAllowanceAre429WithRetryAfter() {
        DmFixture f = new DmFixture(SessionPolicy.DEFAULT, new AlertPolicy(2, 0.5));
        f.alerts.receive(WATCH, result(null, null, 200));
        f.alerts.receive(WATCH, result(null, null, 200));
        var e = refusal(() -> f.alerts.receive(WATCH, result(null, null, 200)));
        assertThat(e.error()).isEqualTo(ApiError.RATE_LIMITED);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(f.store.alerts()).hasSize(2);
        f.alerts.receive(PHONE, result(null, null, 200));
        f.clock.advance(Duration.ofSeconds(2));
        f.alerts.receive(WATCH, result(null, null, 200));
        assertThat(f.store.alerts()).hasSize(4);
    }

    @Test
    void resultCodeRanges() {
        assertThat(ResultCodes.outcome(200)).isEqualTo(ResultCodes.Outcome.SUCCESS);
        assertThat(ResultCodes.outcome(260)).isEqualTo(ResultCodes.Outcome.SUCCESS);
        assertThat(ResultCodes.outcome(1200)).isEqualTo(ResultCodes.Outcome.SUCCESS);
        assertThat(ResultCodes.outcome(1299)).isEqualTo(ResultCodes.Outcome.SUCCESS);
        assertThat(ResultCodes.outcome(412)).isEqualTo(ResultCodes.Outcome.FAILURE);
        assertThat(ResultCodes.outcome(1501)).isEqualTo(ResultCodes.Outcome.FAILURE);
        assertThat(ResultCodes.text(1405)).isEqualTo("Install Failed");
        assertThat(ResultCodes.text(470)).isEqualTo("Client Error - Vendor Specified");
    }
}
