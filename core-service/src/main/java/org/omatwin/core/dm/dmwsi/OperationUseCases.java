package org.omatwin.core.dm.dmwsi;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.omatwin.core.dm.common.DmIds;
import org.omatwin.core.dm.data.Upload;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationPlanner;
import org.omatwin.core.dm.operation.OperationRejected;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationState;
import org.omatwin.core.dm.operation.OperationStore;
import org.omatwin.core.dm.operation.OperationTransactions;
import org.omatwin.core.dm.operation.Operations;
import org.omatwin.core.dm.policy.ClientPolicy;
import org.omatwin.core.dm.operation.Plan;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.dm.session.DeviceQueue;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.outbox.CallbackTargetPolicy;

/**
 * DMWSI operations (section 4): accept, read, cancel, and the timeout sweep. Each public method is one
 * transaction; an operation is visible only to its requester (others: 404). Lives above the session
 * package because accepting and cancelling work changes the device's pending session.
 */
public final class OperationUseCases {
    private static final int SWEEP_BATCH = 500;

    private final DeviceQueue queue;
    private final OperationPlanner planner;
    private final CallbackTargetPolicy targets;
    private final Clock clock;

    public OperationUseCases(DeviceQueue queue, OperationPlanner planner, CallbackTargetPolicy targets, Clock clock) {
        this.queue = queue;
        this.planner = planner;
        this.targets = targets;
        this.clock = clock;
    }

    /**
     * Queues the operation's commands for its device and makes a session pending (the device is
     * woken after the commit). A clientCorrelator already used by this requester answers the existing
     * operation when the body is the same, and 409 SVC2007 when it differs. A callbackReference is
     * checked against the callback target rules first (and again before each push). Each command the
     * operation becomes must be allowed by the client's node rules (403 POL2003 naming the node).
     */
    public Accepted accept(Requester requester, OperationRequest request, ClientPolicy policy) {
        if (request.notifyUrl() != null) {
            targets.check(URI.create(request.notifyUrl()));
        }
        String operationId = DmIds.operation();
        // the node rules see the commands the operation becomes; a refusal is on the log too (6.1)
        Plan planned;
        try {
            planned = planner.plan(requester, operationId, request, clock.instant());
        } catch (OperationRejected rejected) {
            return reject(requester, operationId, request, rejected.getMessage());
        }
        try {
            policy.checkCommands(planned.commands());
        } catch (ApiException refused) {
            queue.inTransaction(q -> {
                q.store().recordTransaction(OperationTransactions.refused(requester, request, refused.getMessage(),
                        clock.instant()));
                return null;
            });
            throw refused;
        }
        return once(requester, request, (q, now) -> {
            var store = q.store();
            // the values now live in their data items; the operation keeps digests only (2.3)
            Operation operation = Operation.queued(operationId, store.nextOperationSeq(), requester,
                    request.withoutSecrets(), now);
            store.insertOperation(operation);
            planned.dataItems().forEach(store::insertDataItem);
            store.insertCommands(planned.commands());
            q.reconcile(request.devId(), now);
            return operation;
        });
    }

    /** Records the operation Rejected with the reason (final at once; on the log and an event, like every end). */
    private Accepted reject(Requester requester, String operationId, OperationRequest request, String reason) {
        return once(requester, request, (q, now) -> {
            var store = q.store();
            Operation operation = Operation.rejected(operationId, store.nextOperationSeq(), requester,
                    request.withoutSecrets(), reason, now);
            store.insertOperation(operation);
            Operations.save(store, operation); // its end: the transaction log and operationCompleted
            return operation;
        });
    }

    /**
     * In one transaction holding the device's lock: the requester's earlier operation with the same
     * clientCorrelator if there is one (see {@link #earlier}), otherwise the one {@code insert} records now.
     */
    private Accepted once(Requester requester, OperationRequest request,
            java.util.function.BiFunction<DeviceQueue.Tx, Instant, Operation> insert) {
        return queue.inTransaction(q -> {
            Instant now = clock.instant();
            q.lock(request.devId(), now);
            Optional<Operation> earlier = earlier(q.store(), requester, request);
            return earlier.isPresent() ? new Accepted(earlier.get(), false) : new Accepted(insert.apply(q, now), true);
        });
    }

    /**
     * The requester's operation with the same clientCorrelator (section 4): the same body answers it again,
     * another body is 409 SVC2007.
     */
    private static Optional<Operation> earlier(OperationStore store, Requester requester, OperationRequest request) {
        if (request.clientCorrelator() == null) {
            return Optional.empty();
        }
        Optional<Operation> earlier = store.findByClientCorrelator(requester, request.clientCorrelator());
        if (earlier.isPresent() && !earlier.get().request().equals(request.withoutSecrets())) {
            throw ApiException.of(ApiError.CONFLICT, "clientCorrelator already used with another request",
                    "clientCorrelator");
        }
        return earlier;
    }

    public Operation get(Requester requester, String operationId) {
        return queue.inTransaction(q -> own(q.store().findOperation(operationId), requester, operationId));
    }

    /** The requester's operations, newest first. */
    public List<Operation> list(Requester requester, int offset, int limit) {
        return queue.inTransaction(q -> q.store().operationsOf(requester, offset, limit));
    }

    /** What the device uploaded for the requester's operation (2.3, D1), oldest first. */
    public List<Upload> uploads(Requester requester, String operationId) {
        return queue.inTransaction(q -> {
            own(q.store().findOperation(operationId), requester, operationId);
            return q.store().uploadsOf(operationId);
        });
    }

    /** Cancels an undelivered operation (CC4); once delivered: 409 SVC2007. Cancelling twice is harmless. */
    public Operation cancel(Requester requester, String operationId) {
        Operation seen = get(requester, operationId);
        return queue.inTransaction(q -> {
            Instant now = clock.instant();
            q.lock(seen.devId(), now);
            Operation operation = own(q.store().findOperation(operationId), requester, operationId);
            if (operation.state() == OperationState.CANCELLED) {
                return operation;
            }
            if (operation.state() != OperationState.QUEUED) {
                throw ApiException.of(ApiError.CONFLICT, "the operation is " + operation.state().wire()
                        + " and can no longer be cancelled", "operationId");
            }
            Operation cancelled = operation.cancelled(now);
            Operations.save(q.store(), cancelled);
            q.reconcile(operation.devId(), now);
            return cancelled;
        });
    }

    /**
     * Called periodically by the infrastructure: ends every operation past its deadline TimedOut
     * (section 4). Commands already delivered stay in their session; their later statuses are recorded
     * but change nothing. Returns how many ended. One transaction per operation's device.
     */
    public int expireOperations(Instant now) {
        List<Operation> overdue = queue.inTransaction(q -> q.store().overdueOperations(now, SWEEP_BATCH));
        int ended = 0;
        for (Operation candidate : overdue) {
            ended += queue.inTransaction(q -> {
                q.lock(candidate.devId(), now);
                Operation operation = q.store().findOperation(candidate.operationId()).orElseThrow();
                if (!operation.isOverdue(now)) {
                    return 0;
                }
                Operations.save(q.store(), operation.timedOut(now));
                q.reconcile(operation.devId(), now);
                return 1;
            });
        }
        return ended;
    }

    private static Operation own(Optional<Operation> operation, Requester requester, String operationId) {
        return operation.filter(o -> o.requester().equals(requester)).orElseThrow(() -> ApiException.of(
                ApiError.NOT_FOUND, "no operation " + operationId, "operationId"));
    }
}
