package org.omatwin.core.dm.operation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.omatwin.core.dm.command.ResultItem;
import org.omatwin.core.dm.device.DevId;

/**
 * One operation on one device (section 4). {@code seq} is the acceptance order that a session binds
 * by (2.1); {@code deadline} is acceptance plus {@code timeoutSeconds}. Immutable: every transition
 * returns the next state with its timeline entry, and a final state never changes (a later report or
 * alert is recorded elsewhere but changes nothing here).
 */
public record Operation(String operationId, long seq, Requester requester, OperationRequest request,
        OperationState state, Integer statusCode, Integer resultCode, String resultText, List<ResultItem> results,
        List<StateChange> timeline, Instant acceptedTime, Instant deadline, String sessionId) {

    public Operation {
        results = List.copyOf(results);
        timeline = List.copyOf(timeline);
    }

    public static Operation queued(String operationId, long seq, Requester requester, OperationRequest request,
            Instant now) {
        return new Operation(operationId, seq, requester, request, OperationState.QUEUED, null, null, null, List.of(),
                List.of(new StateChange(OperationState.QUEUED, now)), now, now.plus(request.timeout()), null);
    }

    /** Refused for its device (e.g. outside a package's targets): final at once, never queued. */
    public static Operation rejected(String operationId, long seq, Requester requester, OperationRequest request,
            String reason, Instant now) {
        return new Operation(operationId, seq, requester, request, OperationState.REJECTED, null, null, reason,
                List.of(), List.of(new StateChange(OperationState.REJECTED, now)), now, now.plus(request.timeout()),
                null);
    }

    public DevId devId() {
        return request.devId();
    }

    public SessionMode mode() {
        return request.mode();
    }

    public boolean isFinal() {
        return state.isFinal();
    }

    /** Its commands may be bound to a session starting now (jobs will add a not-before time here). */
    public boolean isDeliverable(Instant now) {
        return state == OperationState.QUEUED && now.isBefore(deadline);
    }

    public boolean isOverdue(Instant now) {
        return !isFinal() && !now.isBefore(deadline);
    }

    public Operation delivered(String session, Instant now) {
        return new Operation(operationId, seq, requester, request, OperationState.DELIVERED, statusCode, resultCode,
                resultText, results, append(OperationState.DELIVERED, now), acceptedTime, deadline, session);
    }

    /** Every command reported, some still to finish by alert (202): the status so far, no new state. */
    public Operation awaitingAlert(int status, List<ResultItem> values) {
        return new Operation(operationId, seq, requester, request, state, status, resultCode, resultText, values,
                timeline, acceptedTime, deadline, sessionId);
    }

    public Operation succeeded(int status, List<ResultItem> values, Instant now) {
        return end(OperationState.SUCCEEDED, status, resultCode, resultText, values, now);
    }

    public Operation failed(Integer status, String reason, Instant now) {
        return end(OperationState.FAILED, status, resultCode, reason, results, now);
    }

    /** A result alert (FUMO, SCOMO, or any EXEC's correlator) decides the outcome (2.2). */
    public Operation completedByAlert(int code, boolean success, String text, Instant now) {
        return end(success ? OperationState.SUCCEEDED : OperationState.FAILED, statusCode, code, text, results, now);
    }

    public Operation cancelled(Instant now) {
        return end(OperationState.CANCELLED, statusCode, resultCode, "cancelled by the requester", results, now);
    }

    public Operation timedOut(Instant now) {
        return end(OperationState.TIMED_OUT, statusCode, resultCode,
                "no final result within " + request.timeout().toSeconds() + " s", results, now);
    }

    private Operation end(OperationState next, Integer status, Integer code, String text, List<ResultItem> values,
            Instant now) {
        if (isFinal()) {
            throw new IllegalStateException(operationId + " is already " + state.wire());
        }
        return new Operation(operationId, seq, requester, request, next, status, code, text, values,
                append(next, now), acceptedTime, deadline, sessionId);
    }

    private List<StateChange> append(OperationState next, Instant now) {
        List<StateChange> changes = new ArrayList<>(timeline);
        changes.add(new StateChange(next, now));
        return changes;
    }
}
