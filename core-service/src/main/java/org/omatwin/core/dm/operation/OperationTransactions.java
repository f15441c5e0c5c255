package org.omatwin.core.dm.operation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.omatwin.core.dm.audit.Transaction;
import org.omatwin.core.dm.audit.Transaction.Kind;
import org.omatwin.core.dm.command.Command;

/**
 * The transaction-log entries of operations and their commands (6.1): who asked (the client, or the
 * job), the nodes named and the outcome; never a value given or returned.
 */
public final class OperationTransactions {
    private OperationTransactions() {}

    /** An operation that ended, in any final state. */
    public static Transaction ended(Operation o, Instant time) {
        String outcome = o.state().wire() + (o.statusCode() == null ? "" : " " + o.statusCode())
                + (o.resultCode() == null ? "" : " result " + o.resultCode());
        return Transaction.of(Kind.OPERATION, client(o.requester()), o.devId(), o.operationId(), job(o.requester()),
                o.request().type().wire() + nodes(o.request().arguments()) + ": " + outcome,
                o.state() == OperationState.SUCCEEDED, time);
    }

    /** A request refused before anything was queued (policy): the entry says why. */
    public static Transaction refused(Requester requester, OperationRequest request, String reason, Instant time) {
        return Transaction.of(Kind.OPERATION, client(requester), request.devId(), null, job(requester),
                request.type().wire() + nodes(request.arguments()) + ": refused (" + reason + ")", false, time);
    }

    /** A command whose status the device reported. */
    public static Transaction reported(Command c, Requester requester, Instant time) {
        return Transaction.of(Kind.COMMAND, client(requester), c.devId(), c.operationId(), job(requester),
                c.op() + (c.uri() == null ? "" : " " + c.uri()) + ": " + c.status().sc(), c.status().isSuccess(),
                time);
    }

    /** The client the work is done for: the client itself, or a job's client (null for an account). */
    public static String client(Requester r) {
        return r == null ? null : r.client();
    }

    public static String job(Requester r) {
        return r == null || r.kind() != Requester.Kind.JOB ? null : r.id();
    }

    /** The nodes an operation names (never its values). */
    private static String nodes(OperationArguments a) {
        List<String> nodes = new ArrayList<>();
        if (a.uris() != null) {
            nodes.addAll(a.uris());
        }
        if (a.values() != null) {
            a.values().forEach(v -> nodes.add(v.uri()));
        }
        if (a.uri() != null) {
            nodes.add(a.uri());
        }
        if (a.function() != null) {
            nodes.add(a.function());
        }
        if (a.packageId() != null) {
            nodes.add("package " + a.packageId());
        }
        if (a.componentId() != null) {
            nodes.add("component " + a.componentId());
        }
        if (a.commands() != null) {
            a.commands().forEach(c -> nodes.add(c.op() + " " + c.uri()));
        }
        return nodes.isEmpty() ? "" : " " + String.join(", ", nodes);
    }
}
