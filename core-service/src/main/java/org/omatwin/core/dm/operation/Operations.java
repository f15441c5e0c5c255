package org.omatwin.core.dm.operation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.command.CommandStatus;
import org.omatwin.core.dm.command.ResultItem;
import org.omatwin.core.dm.event.DmEvent;
import org.omatwin.core.dm.event.DmEventType;

/** Rules about an operation that need its store: where reports, aborts, alerts and timeouts meet. */
public final class Operations {
    private Operations() {}

    /**
     * Writes the operation (a job's execution follows its operation's state, section 5). Once it has ended, its configure values leave the data repository (2.3),
     * a successful diagnosticsStop closes the function's standing upload items, the end is in the transaction log (6.1), and it is an event
     * for its requester (operationCompleted; a customer-care operation that failed is also a fault, CC2).
     */
    public static void save(OperationStore store, Operation operation) {
        store.updateOperation(operation);
        if (operation.requester().kind() == Requester.Kind.JOB) {
            store.executionFollows(operation);
        }
        if (operation.isFinal()) {
            store.deleteValueItemsOf(operation.operationId());
            Instant ended = operation.timeline().getLast().time();
            store.recordTransaction(OperationTransactions.ended(operation, ended));
            store.recordEvent(DmEvent.ofOperation(DmEventType.OPERATION_COMPLETED, operation.devId(),
                    operation.operationId(), ended));
            if (operation.state() == OperationState.SUCCEEDED
                    && operation.request().type() == OperationType.DIAGNOSTICS_STOP) {
                // the function's periodic reports end with it (D1-D3)
                store.closeStandingUploads(operation.devId(), operation.request().arguments().function()
                        + "/Operations/Start");
            }
            if (operation.mode().customerCare() && (operation.state() == OperationState.FAILED
                    || operation.state() == OperationState.TIMED_OUT)) {
                store.recordEvent(DmEvent.ofOperation(DmEventType.FAULT, operation.devId(), operation.operationId(),
                        ended));
            }
        }
    }

    /**
     * The outcome once the device reported statuses: unchanged while a command is unreported or when
     * the operation already ended (TimedOut: recorded, changes nothing); Failed at the first non-2xx
     * status; kept Delivered with 202 while an EXEC's result alert is due; otherwise Succeeded with
     * every value the GETs returned (for {@code retrieve}, the results).
     */
    public static Operation afterReport(Operation operation, List<Command> commands, Instant now) {
        if (operation.isFinal() || commands.stream().anyMatch(c -> !c.isReported())) {
            return operation;
        }
        Optional<Command> failed = commands.stream().filter(c -> !c.status().isSuccess()).findFirst();
        if (failed.isPresent()) {
            Command c = failed.get();
            return operation.failed(c.status().sc(),
                    c.op() + (c.uri() != null ? " " + c.uri() : "") + " answered " + c.status().sc(), now);
        }
        List<ResultItem> values = new ArrayList<>();
        commands.forEach(c -> values.addAll(c.status().results()));
        if (commands.stream().anyMatch(c -> c.status().sc() == CommandStatus.ACCEPTED)) {
            return operation.awaitingAlert(CommandStatus.ACCEPTED, values);
        }
        return operation.succeeded(200, values, now);
    }
}
