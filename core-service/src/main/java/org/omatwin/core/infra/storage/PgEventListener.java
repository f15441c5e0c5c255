package org.omatwin.core.infra.storage;


import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every core instance LISTENs on a PostgreSQL channel; whichever instance commits a change announces it
 * there (pg_notify in the same transaction), so each instance learns of every committed change, not
 * only those of its own instance. A live feed: what happens while an instance is reconnecting is not
 * replayed (the data itself keeps it).
 */
public final class PgEventListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgEventListener.class);

    private final DataSource dataSource;
    private final String channel;
    private final Consumer<List<String>> sink;
    private final Runnable connected;
    private final Runnable disconnected;
    private final Thread thread;
    private volatile boolean running = true;

    /** @param sink receives the payloads of each batch of notifications, in order */
    public PgEventListener(DataSource dataSource, String channel, Consumer<List<String>> sink) {
        this(dataSource, channel, sink, () -> {}, () -> {});
    }

    /**
     * @param connected run each time LISTEN is in place (at start and after a reconnection)
     * @param disconnected run when the connection is lost: announcements may be missed until reconnected
     */
    public PgEventListener(DataSource dataSource, String channel, Consumer<List<String>> sink, Runnable connected,
            Runnable disconnected) {
        if (!channel.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a channel name: " + channel);
        }
        this.dataSource = dataSource;
        this.channel = channel;
        this.sink = sink;
        this.connected = connected;
        this.disconnected = disconnected;
        this.thread = new Thread(this::run, "listen-" + channel);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("LISTEN " + channel);
                PGConnection pg = c.unwrap(PGConnection.class);
                connected.run();
                while (running) {
                    PGNotification[] batch = pg.getNotifications(500);
                    if (batch == null || batch.length == 0) {
                        continue;
                    }
                    List<String> payloads = new ArrayList<>(batch.length);
                    for (PGNotification n : batch) {
                        payloads.add(n.getParameter());
                    }
                    sink.accept(payloads);
                }
            } catch (Exception e) {
                disconnected.run();
                if (running) {
                    LOG.warn("listener of {} lost its connection; reconnecting: {}", channel, e.getMessage());
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
