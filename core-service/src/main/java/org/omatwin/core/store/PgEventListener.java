package org.omatwin.core.store;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.omatwin.core.notify.OutboxEvent;
import org.omatwin.core.twinning.Transactions;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every core instance LISTENs on one PostgreSQL channel; whichever instance fans an event out
 * announces it there in the same transaction, so each instance's event-stream watchers see every
 * committed event, not only those of their own instance. A live feed: what happens while an instance
 * is reconnecting is not replayed (the event log keeps it).
 */
public final class PgEventListener implements AutoCloseable {
    static final String CHANNEL = "twinning_events";
    private static final Logger LOG = LoggerFactory.getLogger(PgEventListener.class);

    private final DataSource dataSource;
    private final Transactions<NotificationRepository> tx;
    private final Consumer<List<OutboxEvent>> sink;
    private final Thread thread;
    private volatile boolean running = true;

    public PgEventListener(DataSource dataSource, Transactions<NotificationRepository> tx,
            Consumer<List<OutboxEvent>> sink) {
        this.dataSource = dataSource;
        this.tx = tx;
        this.sink = sink;
        this.thread = new Thread(this::run, "event-listener");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] batch = pg.getNotifications(500);
                    if (batch == null || batch.length == 0) {
                        continue;
                    }
                    List<Long> ids = new ArrayList<>();
                    for (PGNotification n : batch) {
                        for (String id : n.getParameter().split(",")) {
                            if (!id.isBlank()) {
                                ids.add(Long.parseLong(id.strip()));
                            }
                        }
                    }
                    if (!ids.isEmpty()) {
                        sink.accept(tx.inTransaction(repo -> repo.events(ids)));
                    }
                }
            } catch (Exception e) {
                if (running) {
                    LOG.warn("event listener lost its connection; reconnecting: {}", e.getMessage());
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
