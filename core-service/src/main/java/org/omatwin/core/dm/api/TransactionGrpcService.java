package org.omatwin.core.dm.api;

import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Supplier;
import org.omatwin.core.dm.audit.TransactionStore;
import org.omatwin.core.dm.audit.TransactionStore.Logged;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.infra.edge.Unary;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.proto.dmwsi.v1.ListTransactionsRequest;
import org.omatwin.proto.dmwsi.v1.ListTransactionsResponse;
import org.omatwin.proto.dmwsi.v1.Transaction;
import org.omatwin.proto.dmwsi.v1.TransactionList;
import org.omatwin.proto.dmwsi.v1.TransactionServiceGrpc;

/**
 * {@code oma.dmwsi.v1.TransactionService} (dm-api.md 6.1): the caller's own transaction log, oldest
 * first, paged by its place in the log; devices, lines and subscribers as the caller may see them
 * (pseudonyms for a pseudonymous client). The same list is served as CSV ({@link TransactionCsv}).
 */
public final class TransactionGrpcService extends TransactionServiceGrpc.TransactionServiceImplBase {
    private final Transactions<? extends TransactionStore> log;
    private final Supplier<String> publicUrl;

    public TransactionGrpcService(Transactions<? extends TransactionStore> log, Supplier<String> publicUrl) {
        this.log = log;
        this.publicUrl = publicUrl;
    }

    @Override
    public void listTransactions(ListTransactionsRequest req, StreamObserver<ListTransactionsResponse> out) {
        Unary.respond(out, () -> {
            ClientAccess access = ClientAccess.current();
            DevId devId = req.hasDeviceRef() ? access.device(req.getDeviceRef()) : null;
            Instant from = req.hasFrom() ? time(req.getFrom(), "from") : null;
            Instant to = req.hasTo() ? time(req.getTo(), "to") : null;
            int limit = DeviceManagementGrpcService.limit(req.hasLimit() ? req.getLimit() : null);
            long after = after(req.hasPageToken() ? req.getPageToken() : null);
            TransactionStore.Query query = new TransactionStore.Query(access.clientId(), devId,
                    req.hasJobId() ? req.getJobId() : null, from, to);
            List<Logged> page = log.read(store -> store.transactions(query, after, limit + 1));
            TransactionList.Builder list = TransactionList.newBuilder()
                    .setResourceUrl(publicUrl.get() + "/dmwsi/v1/transactions");
            page.stream().limit(limit).forEach(l -> list.addTransaction(view(l, access)));
            if (page.size() > limit) {
                list.setNextPageToken(token(page.get(limit - 1).seq()));
            }
            return ListTransactionsResponse.newBuilder().setTransactionList(list).build();
        });
    }

    private static Transaction view(Logged l, ClientAccess who) {
        var t = l.transaction();
        Transaction.Builder b = Transaction.newBuilder().setTransactionId(t.transactionId()).setKind(t.kind().wire())
                .setSummary(t.summary()).setSuccess(t.success()).setTime(DmwsiViews.timestamp(t.time()));
        if (t.devId() != null) {
            b.setDeviceRef(who.show(t.devId()));
        }
        DmwsiViews.set(l.line() == null ? null : who.show(new Line(l.line())), b::setLine);
        DmwsiViews.set(who.showSubscriber(l.subscriberId()), b::setSubscriber);
        DmwsiViews.set(t.operationId(), b::setOperationId);
        DmwsiViews.set(t.jobId(), b::setJobId);
        return b.build();
    }

    private static Instant time(String text, String name) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.of(ApiError.INVALID_INPUT, name + " is an RFC 3339 time such as 2026-11-28T10:00:00Z",
                    name);
        }
    }

    private static String token(long seq) {
        return PageTokens.of("t1", seq);
    }

    private static long after(String token) {
        return PageTokens.read("t1", token);
    }
}
