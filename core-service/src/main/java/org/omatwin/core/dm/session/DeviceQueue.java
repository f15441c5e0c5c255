package org.omatwin.core.dm.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.omatwin.core.dm.common.DmIds;
import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.Operations;
import org.omatwin.core.dm.operation.SessionMode;

/**
 * The per-device queue of work and its one pending session (2.1). Every use case that changes a
 * device's work (accept, cancel, time out, start, report, abort) runs through {@link #inTransaction}
 * and calls {@link Tx#reconcile} afterwards, so the rule "a pending session exactly while deliverable
 * work waits" lives here once; the listener hears of new pending sessions after the commit.
 */
public final class DeviceQueue {
    private final Transactions<? extends SessionStore> tx;
    private final PendingSessionListener listener;

    public DeviceQueue(Transactions<? extends SessionStore> tx, PendingSessionListener listener) {
        this.tx = tx;
        this.listener = listener;
    }

    /** One transaction of the queue's use cases. */
    public interface Tx {
        SessionStore store();

        /** Locks the device for the rest of the transaction. */
        void lock(DevId devId, Instant now);

        /**
         * After the device's work changed: ends the pending session when nothing deliverable waits
         * ({@code Expired}), gives it the mode of the oldest waiting work, or makes a new one.
         */
        void reconcile(DevId devId, Instant now);

        /** Ends operations that were bound to an aborted session and are still missing a status. */
        void failUnreported(List<Operation> operations, String reason, Instant now);
    }

    public <T> T inTransaction(Function<Tx, T> work) {
        return inTransaction(tx, (store, q) -> work.apply(q));
    }

    /**
     * One transaction on a store that does more than the queue's (a job's work moves the job and
     * dispatches operations in one commit), with the queue's rules and wake-ups.
     */
    public <S extends SessionStore, T> T inTransaction(Transactions<S> richer, BiFunction<S, Tx, T> work) {
        List<SessionPending> woken = new ArrayList<>();
        T result = richer.inTransaction(store -> {
            woken.clear(); // a transaction retried by the infrastructure starts over
            return work.apply(store, new QueueTx(store, woken));
        });
        woken.forEach(listener::sessionPending);
        return result;
    }

    private record QueueTx(SessionStore store, List<SessionPending> woken) implements Tx {
        @Override
        public void lock(DevId devId, Instant now) {
            store.lockDevice(devId, now);
        }

        @Override
        public void reconcile(DevId devId, Instant now) {
            List<Operation> waiting = store.queuedOperations(devId).stream().filter(o -> o.isDeliverable(now)).toList();
            Optional<Session> pending = store.pendingSession(devId);
            if (waiting.isEmpty()) {
                pending.ifPresent(p -> store.updateSession(p.ended(SessionResult.EXPIRED, "no work left", now)));
                return;
            }
            SessionMode mode = waiting.get(0).mode();
            if (pending.isPresent()) {
                if (!pending.get().mode().equals(mode)) {
                    store.updateSession(pending.get().withMode(mode));
                }
                return;
            }
            Session created = Session.pending(DmIds.session(), devId, mode, now);
            store.insertSession(created);
            woken.add(new SessionPending(devId, created.sessionId(), mode.uiMode()));
        }

        @Override
        public void failUnreported(List<Operation> operations, String reason, Instant now) {
            Set<String> seen = new LinkedHashSet<>();
            for (Operation op : operations) {
                if (seen.add(op.operationId()) && !op.isFinal()
                        && store.commandsOf(op.operationId()).stream().anyMatch(c -> !c.isReported())) {
                    Operations.save(store, op.failed(null, reason, now));
                }
            }
        }
    }
}
