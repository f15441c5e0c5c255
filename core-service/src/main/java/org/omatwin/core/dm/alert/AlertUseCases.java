package org.omatwin.core.dm.alert;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.omatwin.core.dm.device.DevDetail;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.common.DmIds;
import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.event.DmEvent;
import org.omatwin.core.dm.event.DmEventType;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.audit.Transaction;
import org.omatwin.core.dm.operation.OperationTransactions;
import org.omatwin.core.dm.operation.Operations;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.infra.error.ApiException;

/**
 * {@code POST /alert} (2.2). One transaction holding the device's lock. The edge, when the device's
 * {@code Accept} asks for commands, then calls {@code SessionUseCases.next} for the pending session's
 * first package.
 */
public final class AlertUseCases {
    private final Transactions<? extends AlertStore> tx;
    private final AlertPolicy policy;
    private final Clock clock;

    public AlertUseCases(Transactions<? extends AlertStore> tx, AlertPolicy policy, Clock clock) {
        this.tx = tx;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * Records the alert. A repeated alertId returns the first receipt (and costs no allowance); past
     * the device's allowance: 429 POL2005 and nothing recorded. A correlator counts only when it
     * belongs to a command sent to this device; it then completes the command's operation with the
     * result code, unless the operation already ended (recorded, changes nothing).
     */
    public AlertReceipt receive(DevId devId, Alert alert) {
        return tx.inTransaction(store -> {
            Instant now = clock.instant();
            store.lockDevice(devId, now);
            if (alert.alertId() != null) {
                Optional<ReceivedAlert> earlier = store.findAlert(devId, alert.alertId());
                if (earlier.isPresent()) {
                    return new AlertReceipt(earlier.get(), true, Optional.empty());
                }
            }
            TokenBucket bucket = store.alertBucket(devId).orElseGet(() -> TokenBucket.full(policy, now))
                    .refilled(policy, now);
            if (!bucket.hasToken()) {
                throw ApiException.rateLimited("too many alerts from this device", bucket.untilNextToken(policy),
                        "alert");
            }
            store.saveAlertBucket(devId, bucket.take());

            Optional<Command> command = Optional.ofNullable(alert.correlator())
                    .flatMap(store::findCommandByCorrelator)
                    .filter(c -> c.devId().equals(devId) && c.isBound());
            ReceivedAlert received = new ReceivedAlert(DmIds.alert(), devId, alert, now,
                    command.map(Command::operationId).orElse(null));
            store.insertAlert(received);
            recordEvents(store, received);
            Optional<Operation> operation = command.flatMap(c -> store.findOperation(c.operationId()));
            // the alert is an act of the device: on the log of the client whose operation it answers
            Requester requester = operation.map(Operation::requester).orElse(null);
            store.recordTransaction(Transaction.of(Transaction.Kind.ALERT, OperationTransactions.client(requester),
                    devId, received.operationId(), OperationTransactions.job(requester), "alert " + alert.type()
                            + (alert.uri() == null ? "" : " " + alert.uri())
                            + (alert.resultCode() == null ? "" : " result " + alert.resultCode()),
                    alert.resultCode() == null
                            || ResultCodes.outcome(alert.resultCode()) == ResultCodes.Outcome.SUCCESS, now));
            Optional<Operation> completed = operation
                    .filter(o -> !o.isFinal() && alert.resultCode() != null)
                    .map(o -> {
                        int code = alert.resultCode();
                        Operation done = o.completedByAlert(code,
                                ResultCodes.outcome(code) == ResultCodes.Outcome.SUCCESS, ResultCodes.text(code), now);
                        Operations.save(store, done);
                        if (done.state() == org.omatwin.core.dm.operation.OperationState.SUCCEEDED) {
                            installed(store, done, command.get(), now);
                        }
                        return done;
                    });
            return new AlertReceipt(received, false, completed);
        });
    }

    /**
     * A package installed (section 8, EI5): after a successful firmware update the device runs the
     * version the package brought (the EXEC's {@code data}), recorded at once as its FwV and raised as
     * {@code firmwareChanged}; a software install raises {@code softwareChanged} (the inventory itself is
     * the device's to report).
     */
    private static void installed(AlertStore store, Operation done, Command exec, Instant now) {
        switch (done.request().type()) {
            case FIRMWARE_UPDATE -> version(exec.data()).ifPresent(v -> {
                DeviceProfile profile = store.findDevice(done.devId()).orElseGet(() -> DeviceProfile.unknown(done.devId()));
                if (!v.equals(profile.devDetail().fwV())) {
                    store.saveDevice(new DeviceProfile(profile.devId(), profile.devInfo(),
                            profile.devDetail().mergedWith(new DevDetail(null, null, v, null, null)),
                            profile.supportedMOs(), profile.line(), profile.lastSeen()));
                    store.recordEvent(DmEvent.ofDevice(DmEventType.FIRMWARE_CHANGED, done.devId(), now));
                }
            });
            case SOFTWARE_INSTALL, SOFTWARE_REMOVE ->
                    store.recordEvent(DmEvent.ofDevice(DmEventType.SOFTWARE_CHANGED, done.devId(), now));
            default -> {
                // nothing installed
            }
        }
    }

    private static final java.util.regex.Pattern VERSION =
            java.util.regex.Pattern.compile("^\\{\"version\":\"((?:[^\"\\\\]|\\\\.)*)\"\\}$");

    /** The version of {@code {"version":"..."}} as the package planner writes it. */
    private static Optional<String> version(String data) {
        if (data == null) {
            return Optional.empty();
        }
        java.util.regex.Matcher m = VERSION.matcher(data);
        return m.matches() ? Optional.of(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"))
                : Optional.empty();
    }

    /**
     * Every alert is an {@code alert} event for the device's subscribers; a fault alert is also a
     * {@code fault} (EI7) and a node-changed alert a {@code nodeChanged} (5.6).
     */
    private static void recordEvents(AlertStore store, ReceivedAlert received) {
        DevId devId = received.devId();
        String type = received.alert().type();
        store.recordEvent(DmEvent.ofAlert(DmEventType.ALERT, devId, received.receiptId(), received.operationId(),
                received.receivedTime()));
        if (Alert.FAULT.equals(type)) {
            store.recordEvent(DmEvent.ofAlert(DmEventType.FAULT, devId, received.receiptId(), received.operationId(),
                    received.receivedTime()));
        } else if (Alert.NODE_CHANGED.equals(type)) {
            store.recordEvent(DmEvent.ofAlert(DmEventType.NODE_CHANGED, devId, received.receiptId(),
                    received.operationId(), received.receivedTime()));
        }
    }
}
