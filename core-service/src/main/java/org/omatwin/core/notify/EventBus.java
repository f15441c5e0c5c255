package org.omatwin.core.notify;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands committed events (from every instance, see PgEventListener) to this instance's watchers. */
public final class EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    private final List<Consumer<OutboxEvent>> watchers = new CopyOnWriteArrayList<>();

    public Runnable subscribe(Consumer<OutboxEvent> watcher) {
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    public void publish(List<OutboxEvent> events) {
        for (OutboxEvent e : events) {
            for (Consumer<OutboxEvent> w : watchers) {
                try {
                    w.accept(e);
                } catch (RuntimeException ex) {
                    LOG.warn("an event watcher failed; it is dropped", ex);
                    watchers.remove(w);
                }
            }
        }
    }
}
