package org.omatwin.core.dm.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.audit.Transaction;
import org.omatwin.core.dm.audit.TransactionStore;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.policy.Pseudonyms;
import org.omatwin.core.infra.storage.Transactions;

/** The transaction log and the pseudonyms given out, on PostgreSQL: per client, filters, pages, retention. */
class TransactionLogOnPostgresTest {
    private static final DevId WATCH = DevId.of("urn:imei:356938035641001");
    private static final DevId PHONE = DevId.of("urn:imei:356938035641002");
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    private Transactions<JooqDmwsiStore> log;

    @BeforeEach
    void clear() {
        DmPostgres.clear();
        log = DmPostgres.database().transactions(JooqDmwsiStore::new);
        DmPostgres.transactions().inTransaction(s -> {
            s.recordTransaction(entry("care", WATCH, "a", T0));
            s.recordTransaction(entry("care", PHONE, "b", T0.plusSeconds(60)));
            s.recordTransaction(entry("apps", WATCH, "c", T0.plusSeconds(120)));
            s.recordTransaction(entry("care", WATCH, "d", T0.plusSeconds(180)));
            return null;
        });
    }

    private static Transaction entry(String client, DevId dev, String summary, Instant time) {
        return Transaction.of(Transaction.Kind.OPERATION, client, dev, null, null, summary, true, time);
    }

    private List<String> read(String client, DevId dev, Instant from, Instant to, long after, int limit) {
        return log.read(s -> s.transactions(new TransactionStore.Query(client, dev, null, from, to), after, limit))
                .stream().map(l -> l.transaction().summary()).toList();
    }

    @Test
    void eachClientReadsItsOwnByDeviceAndTimeInPages() {
        assertThat(read("care", null, null, null, 0, 10)).containsExactly("a", "b", "d");
        assertThat(read("apps", null, null, null, 0, 10)).containsExactly("c");
        assertThat(read("care", WATCH, null, null, 0, 10)).containsExactly("a", "d");
        assertThat(read("care", null, T0.plusSeconds(60), T0.plusSeconds(180), 0, 10)).containsExactly("b");
        var first = log.read(s -> s.transactions(new TransactionStore.Query("care", null, null, null, null), 0, 2));
        assertThat(read("care", null, null, null, first.get(1).seq(), 10)).containsExactly("d");
    }

    @Test
    void entriesPastTheRetentionPeriodArePurgedInBatches() {
        int first = log.inTransaction(s -> s.purgeTransactions(T0.plusSeconds(90), 1));
        int second = log.inTransaction(s -> s.purgeTransactions(T0.plusSeconds(90), 10));
        assertThat(first).isEqualTo(1);
        assertThat(second).isEqualTo(1);
        assertThat(read("care", null, null, null, 0, 10)).containsExactly("d");
        assertThat(read("apps", null, null, null, 0, 10)).containsExactly("c");
    }

    @Test
    void aPseudonymIsFoundOnlyForTheClientItWasGivenTo() {
        Pseudonyms pseudonyms = new Pseudonyms(new byte[32]);
        var p = pseudonyms.of("apps", Pseudonyms.Kind.DEVICE, WATCH.value());
        log.inTransaction(s -> {
            s.recordPseudonyms("apps", List.of(p));
            s.recordPseudonyms("apps", List.of(p)); // given again: kept once
            return null;
        });
        java.util.Optional<Pseudonyms.Pseudonym> mine = log.read(s -> s.findPseudonym("apps", p.pid()));
        java.util.Optional<Pseudonyms.Pseudonym> theirs = log.read(s -> s.findPseudonym("care", p.pid()));
        assertThat(mine).contains(p);
        assertThat(theirs).isEmpty();
    }
}
