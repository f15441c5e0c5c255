package org.omatwin.core.dm.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.omatwin.core.dm.alert.Alert;
import org.omatwin.core.dm.alert.ReceivedAlert;
import org.omatwin.core.dm.data.Upload;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.event.DmEvent;
import org.omatwin.core.dm.event.DmEventType;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.Requester;
import org.omatwin.core.dm.subscription.DmSubscription;
import org.omatwin.core.infra.outbox.Dispatcher;
import org.omatwin.core.infra.outbox.OutboxMessage;
import org.omatwin.core.infra.outbox.Target;
import org.omatwin.core.infra.storage.Ids;
import org.omatwin.core.infra.storage.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns committed device-management events into outbox messages (section 7, seed 003 5.6, OES10): one
 * notification per receiving subscription (its queue: delivered in order, at least once, with a
 * stable X-Notification-Id), and for the end of an operation and its uploads one to the operation's
 * own callbackReference. In one transaction with removing the events, so a crash between the two
 * sends nothing twice and loses nothing.
 */
public final class DmFanOut implements Dispatcher.Producer {
    private static final Logger LOG = LoggerFactory.getLogger(DmFanOut.class);
    private static final int BATCH = 200;
    /** The kinds of outbox message this producer writes start with this ("dm.operationCompleted"). */
    public static final String KIND_PREFIX = "dm.";

    private final Transactions<? extends EventFeed> tx;
    private final DmNotice.Renderer renderer;
    private final Audience audience;
    private final Counter queued;
    private final MeterRegistry metrics;

    /**
     * Who may hear of an event of a device (dm-api.md section 6): a client whose policy reaches the
     * device and, for an event about a node (an alert's source), lets it read the node.
     */
    @FunctionalInterface
    public interface Audience {
        boolean admits(EventFeed feed, String clientId, DevId devId, String nodeUri);
    }

    public DmFanOut(Transactions<? extends EventFeed> tx, DmNotice.Renderer renderer, Audience audience,
            MeterRegistry metrics) {
        this.tx = tx;
        this.renderer = renderer;
        this.audience = audience;
        this.metrics = metrics;
        this.queued = Counter.builder("dm.notifications.queued")
                .description("DMWSI notifications created (subscriptions and callbackReferences)").register(metrics);
    }

    @Override
    public boolean produce(Instant now) {
        List<Runnable> afterCommit = new ArrayList<>();
        int handled = tx.inTransaction(feed -> {
            afterCommit.clear(); // a retried transaction starts over
            List<DmEvent> events = feed.lockEventsToFanOut(BATCH);
            List<Long> seqs = new ArrayList<>();
            for (DmEvent e : events) {
                fanOut(feed, e, now, afterCommit);
                seqs.add(e.seq());
            }
            if (!seqs.isEmpty()) {
                feed.removeFannedOut(seqs);
            }
            return events.size();
        });
        afterCommit.forEach(Runnable::run);
        return handled == BATCH;
    }

    private void fanOut(EventFeed feed, DmEvent e, Instant now, List<Runnable> afterCommit) {
        Optional<Operation> operation = Optional.ofNullable(e.operationId()).flatMap(feed::findOperation);
        ReceivedAlert alert = e.alertReceiptId() == null ? null : feed.findAlertReceipt(e.alertReceiptId()).orElse(null);
        Upload upload = e.uploadId() == null ? null : feed.findUpload(e.uploadId()).orElse(null);
        DeviceProfile device = e.type() == DmEventType.FIRMWARE_CHANGED || e.type() == DmEventType.SOFTWARE_CHANGED
                ? feed.findDevice(e.devId()).orElse(null) : null;
        // an event of an operation is its requester's alone; an alert's operation is not shown to others
        Operation own = e.isPrivate() ? operation.orElse(null) : null;
        String requester = own != null && own.requester().kind() == Requester.Kind.CLIENT ? own.requester().id()
                : null;

        List<OutboxMessage> messages = new ArrayList<>();
        try {
            if (own != null && (e.type() == DmEventType.OPERATION_COMPLETED
                    || e.type() == DmEventType.UPLOAD_RECEIVED) && own.request().notifyUrl() != null) {
                OperationRequest r = own.request();
                messages.add(message(e, "op:" + own.operationId(), URI.create(r.notifyUrl()),
                        new DmNotice(e, null, r.callbackData(), own, null, upload, null)));
            }
            String alertType = alert == null ? null : alert.alert().type();
            for (DmSubscription s : feed.subscriptionsFor(e.devId(), e.type(), now)) {
                if (s.receives(e, alertType, requester) && audience.admits(feed, s.clientId(), e.devId(),
                        alert == null ? null : alert.alert().uri())) {
                    messages.add(message(e, s.subscriptionId(), s.request().callback().notifyUrl(),
                            new DmNotice(e, s, s.request().callback().callbackData(), own, alert, upload, device)));
                }
            }
        } catch (RuntimeException bug) {
            // one event that cannot be rendered must not stop every other notification behind it
            LOG.error("DM event {} ({} of {}) cannot be notified; skipped", e.seq(), e.type().wire(),
                    e.devId().value(), bug);
            return;
        }
        messages.forEach(m -> feed.enqueue(m, now));
        afterCommit.add(() -> {
            queued.increment(messages.size());
            count(e, operation.orElse(null), alert);
        });
    }

    private OutboxMessage message(DmEvent e, String queue, URI notifyUrl, DmNotice notice) {
        return new OutboxMessage(Ids.newId(), queue, new Target.Callback(notifyUrl), KIND_PREFIX + e.type().wire(),
                renderer.render(notice), e.devId().value(), e.seq(), e.occurredAt());
    }

    /**
     * Operations ended by type and final state, alerts by type: counted once per event, as each event
     * is fanned out exactly once. Alert types are the device's words, so only the standard ones are
     * named (others count as "other") to keep the number of series bounded.
     */
    private void count(DmEvent e, Operation operation, ReceivedAlert alert) {
        if (e.type() == DmEventType.OPERATION_COMPLETED && operation != null) {
            metrics.counter("dm.operations.ended", "type", operation.request().type().wire(),
                    "state", operation.state().wire()).increment();
        } else if (e.type() == DmEventType.ALERT && alert != null) {
            String type = alert.alert().type();
            metrics.counter("dm.alerts.received", "type", STANDARD_ALERTS.contains(type) ? type : "other").increment();
        }
    }

    private static final Set<String> STANDARD_ALERTS = Set.of(Alert.FUMO_DOWNLOAD, Alert.FUMO_UPDATE,
            Alert.FUMO_DOWNLOAD_AND_UPDATE, Alert.SCOMO_OPERATION_COMPLETE, Alert.NODE_CHANGED, Alert.FAULT);

    @Override
    public void housekeeping(Instant now) {
        int purged = tx.inTransaction(feed -> feed.purgeExpiredSubscriptions(now));
        if (purged > 0) {
            LOG.info("{} expired DMWSI subscriptions removed", purged);
        }
    }
}
