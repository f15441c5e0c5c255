package org.omatwin.core.dm;

import org.omatwin.core.dm.event.DmEvent;
import org.omatwin.core.dm.store.JooqEventFeed;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import org.omatwin.core.dm.alert.ReceivedAlert;
import org.omatwin.core.dm.store.DmPostgres;
import org.omatwin.core.dm.store.JooqDmStore;
import org.omatwin.core.infra.storage.Transactions;

/**
 * The store a {@link DmFixture} runs on: the in-memory double or {@link JooqDmStore} on an embedded
 * PostgreSQL. Its transactions are the use cases' ones; its store methods, called directly by a
 * test, read (and write) outside any transaction.
 */
interface DmStoreUnderTest extends DmStore, Transactions<DmStore> {

    /** Every alert recorded, in arrival order. */
    List<ReceivedAlert> alerts();

    /** The events recorded and not yet fanned out, in order. */
    List<DmEvent> events();

    /** The transaction log (6.1), in order. */
    List<org.omatwin.core.dm.audit.Transaction> transactions();

    static DmStoreUnderTest inMemory() {
        return delegatingTo(new InMemoryDmStore());
    }

    /** A cleared embedded PostgreSQL behind {@code Database.transactions(JooqDmStore::new)}. */
    static DmStoreUnderTest onPostgres() {
        DmPostgres.clear();
        JooqDmStore reads = DmPostgres.autocommit();
        Transactions<DmStore> tx = DmPostgres.transactions();
        return delegatingTo(tx, new Object() {
            @SuppressWarnings("unused")
            public List<ReceivedAlert> alerts() {
                return reads.allAlerts();
            }

            @SuppressWarnings("unused")
            public List<DmEvent> events() {
                return DmPostgres.database().transactions(JooqEventFeed::new)
                        .inTransaction(feed -> feed.lockEventsToFanOut(10_000));
            }

            @SuppressWarnings("unused")
            public List<org.omatwin.core.dm.audit.Transaction> transactions() {
                var t = org.omatwin.core.store.schema.Tables.DM_TRANSACTION;
                return DmPostgres.database().dsl().selectFrom(t).orderBy(t.SEQ).fetch(r ->
                        new org.omatwin.core.dm.audit.Transaction(r.getTransactionId(),
                                org.omatwin.core.dm.audit.Transaction.Kind.fromWire(r.getKind()), r.getClientId(),
                                r.getDevId() == null ? null : org.omatwin.core.dm.device.DevId.of(r.getDevId()),
                                r.getOperationId(), r.getJobId(), r.getSummary(), r.getSuccess(),
                                r.getOccurredAt().toInstant(), r.getSubscriberId()));
            }
        }, reads);
    }

    /** Each method goes to the first target that has a public method of the same name and parameters. */
    private static DmStoreUnderTest delegatingTo(Object... targets) {
        return (DmStoreUnderTest) Proxy.newProxyInstance(DmStoreUnderTest.class.getClassLoader(),
                new Class<?>[] {DmStoreUnderTest.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "DmStoreUnderTest" + List.of(targets);
                        };
                    }
                    for (Object target : targets) {
                        Method m;
                        try {
                            m = target.getClass().getMethod(method.getName(), method.getParameterTypes());
                        } catch (NoSuchMethodException e) {
                            continue;
                        }
                        m.setAccessible(true);
                        try {
                            return m.invoke(target, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                    throw new UnsupportedOperationException(method.toString());
                });
    }
}
