package org.omatwin.core.dm.api;

import com.google.protobuf.Message;
import com.google.protobuf.util.Timestamps;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.omatwin.proto.dmwsi.v1.ListTransactionsResponse;
import org.omatwin.proto.dmwsi.v1.Transaction;

/**
 * The transaction log as CSV (RFC 4180, Apache Commons CSV) for {@code Accept: text/csv}: one row per
 * entry, the same fields as the JSON, a header row first; the next page's token, when there is one, in
 * the {@code Link} the edge adds. Only what the JSON shows the same caller appears here.
 */
public final class TransactionCsv {
    static final String[] HEADER = {"transactionId", "time", "kind", "deviceRef", "line", "subscriber",
        "operationId", "jobId", "success", "summary"};

    private TransactionCsv() {}

    public static String render(Message message) {
        ListTransactionsResponse response = (ListTransactionsResponse) message;
        StringWriter out = new StringWriter();
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(HEADER).get())) {
            for (Transaction t : response.getTransactionList().getTransactionList()) {
                csv.printRecord(t.getTransactionId(), Timestamps.toString(t.getTime()), t.getKind(),
                        t.getDeviceRef(), t.getLine(), t.getSubscriber(), t.getOperationId(), t.getJobId(),
                        t.getSuccess(), t.getSummary());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The next page's token of a CSV answer, or null. */
    public static String nextPageToken(Message message) {
        var list = ((ListTransactionsResponse) message).getTransactionList();
        return list.hasNextPageToken() ? list.getNextPageToken() : null;
    }
}
