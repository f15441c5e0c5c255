package org.omatwin.core.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.omatwin.core.error.ApiException;
import org.omatwin.core.store.NotificationRepository;
import org.omatwin.core.subscription.Subscription;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Ids;
import org.omatwin.core.twinning.Mno;
import org.omatwin.core.twinning.Role;
import org.omatwin.core.twinning.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers twinning notifications (HLF-PD-007, HLF-SD-008). One loop per core instance: it fans new
 * events out into notifications (one per receiving subscription, in one transaction with marking the
 * event done), claims due deliveries (only the oldest pending one per subscription, so order is kept)
 * and POSTs them; 2xx is success, anything else is retried with backoff until the horizon, then parked.
 * Woken right after a twinning change commits; otherwise it polls, which also picks up the work of
 * other instances and of a process that died.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration HOUSEKEEPING = Duration.ofSeconds(10);
    private static final int FAN_OUT_BATCH = 200;

    private final Transactions<NotificationRepository> tx;
    private final NotifyPolicy policy;
    private final NotificationRenderer renderer;
    private final CallbackTargets targets;
    private final PeerOutbox peers;
    private final Clock clock;
    private final HttpClient http;
    private final ExecutorService completions = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "notify-completion");
        t.setDaemon(true);
        return t;
    });
    private final Semaphore wake = new Semaphore(0);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Integer> depth = new ConcurrentHashMap<>();
    private final Counter queued;
    private final Counter delivered;
    private final Counter retried;
    private final Counter failed;
    private final Timer latency;
    private final Thread loop;
    private volatile boolean running = true;

    public Dispatcher(Transactions<NotificationRepository> tx, NotifyPolicy policy, NotificationRenderer renderer,
            CallbackTargets targets, PeerOutbox peers, MeterRegistry metrics, Clock clock) {
        this.tx = tx;
        this.peers = peers;
        this.policy = policy;
        this.renderer = renderer;
        this.targets = targets;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(policy.httpTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.queued = Counter.builder("twinning.notifications.queued").description("notifications created")
                .register(metrics);
        this.delivered = Counter.builder("twinning.notifications.delivered").description("acknowledged with 2xx")
                .register(metrics);
        this.retried = Counter.builder("twinning.notifications.retried").description("failed attempts to retry")
                .register(metrics);
        this.failed = Counter.builder("twinning.notifications.failed")
                .description("parked after the retry horizon").register(metrics);
        this.latency = Timer.builder("twinning.notifications.latency")
                .description("from the event's commit to the listener's 2xx")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .register(metrics);
        for (String state : List.of("PENDING", "PARKED")) {
            metrics.gauge("twinning.notifications.stored", List.of(io.micrometer.core.instrument.Tag.of("state",
                    state.toLowerCase(java.util.Locale.ROOT))), depth, d -> d.getOrDefault(state, 0));
        }
        this.loop = new Thread(this::run, "notify-dispatcher");
        this.loop.setDaemon(true);
    }

    public void start() {
        loop.start();
    }

    /** Called after a twinning change commits: look for work now rather than at the next poll. */
    public void wake() {
        wake.release();
    }

    private void run() {
        Instant lastHousekeeping = Instant.EPOCH;
        while (running) {
            try {
                boolean more = fanOut() | deliverDue();
                Instant now = clock.instant();
                if (Duration.between(lastHousekeeping, now).compareTo(HOUSEKEEPING) >= 0) {
                    housekeeping(now);
                    lastHousekeeping = now;
                }
                if (!more) {
                    wake.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("notification dispatch cycle failed; retrying", e);
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    private boolean fanOut() {
        List<OutboxEvent> events = tx.inTransaction(repo -> {
            List<OutboxEvent> locked = repo.lockEventsToFanOut(FAN_OUT_BATCH);
            Instant now = clock.instant();
            // One query for the subscriptions of every device the batch concerns.
            Map<DeviceAddress, List<Subscription>> byDevice = repo.liveSubscriptions(locked.stream()
                    .flatMap(e -> e.recipients().stream().map(r -> e.twinning().addressOf(r)))
                    .filter(java.util.Objects::nonNull)
                    .collect(java.util.stream.Collectors.toSet()), now)
                    .stream().collect(java.util.stream.Collectors.groupingBy(Subscription::device));
            List<Long> ids = new ArrayList<>();
            for (OutboxEvent e : locked) {
                for (Role role : e.recipients()) {
                    DeviceAddress device = e.twinning().addressOf(role);
                    if (device == null) {
                        continue;
                    }
                    for (Subscription s : byDevice.getOrDefault(device, List.of())) {
                        repo.insert(Ids.newId(), e.eventId(), s, e.event().type().omaName(),
                                renderer.render(e, s, role), e.event().occurredAt(), now);
                        queued.increment();
                    }
                }
                for (PeerOutbox.PeerMessage m : peers.messagesFor(e)) {
                    repo.insertPeer(m, e.eventId(), e.event().occurredAt(), now);
                    queued.increment();
                }
                ids.add(e.eventId());
            }
            if (!ids.isEmpty()) {
                repo.markFannedOut(ids);
                repo.announce(ids); // to the event-stream watchers of every instance, on commit
            }
            return locked;
        });
        return events.size() == FAN_OUT_BATCH;
    }

    private boolean deliverDue() {
        int room = policy.maxInFlight() - inFlight.get();
        if (room <= 0) {
            return false;
        }
        List<Delivery> claimed = tx.inTransaction(repo -> repo.claimDue(room, clock.instant(), policy.lease()));
        claimed.forEach(this::send);
        return claimed.size() == room;
    }

    private void send(Delivery d) {
        inFlight.incrementAndGet();
        if (PeerOutbox.isPeerTarget(d.notifyUrl())) {
            sendToPartner(d);
            return;
        }
        try {
            targets.check(d.notifyUrl());
        } catch (ApiException refused) {
            completions.execute(() -> complete(d, -1, "target refused: " + refused.text()));
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(d.notifyUrl())
                .timeout(policy.httpTimeout())
                .header("Content-Type", "application/json")
                .header("X-Notification-Id", d.id())
                .header("User-Agent", "twinning-notify/1")
                .POST(HttpRequest.BodyPublishers.ofString(d.body()))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenCompleteAsync(
                (response, error) -> complete(d, response == null ? -1 : response.statusCode(),
                        error == null ? null : error.getClass().getSimpleName() + ": " + error.getMessage()),
                completions);
    }

    private void sendToPartner(Delivery d) {
        CompletableFuture<PeerOutbox.Outcome> sent;
        try {
            sent = peers.send(Mno.parse(d.notifyUrl().getSchemeSpecificPart()), d.body());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenCompleteAsync((outcome, error) -> {
            if (outcome == PeerOutbox.Outcome.DELIVERED) {
                complete(d, 200, null);
            } else if (outcome == PeerOutbox.Outcome.REJECTED) {
                complete(d, -1, "refused by the partner", true);
            } else {
                complete(d, -1, error == null ? "partner unreachable" : error.getMessage());
            }
        }, completions);
    }

    private void complete(Delivery d, int status, String error) {
        complete(d, status, error, false);
    }

    private void complete(Delivery d, int status, String error, boolean permanent) {
        try {
            Instant now = clock.instant();
            if (status >= 200 && status < 300) {
                tx.inTransaction(repo -> {
                    repo.markDelivered(d.id());
                    return null;
                });
                delivered.increment();
                latency.record(Duration.between(d.eventTime(), now));
                return;
            }
            String why = status > 0 ? "HTTP " + status : error;
            Instant next = now.plus(policy.backoff(d.attempts()));
            boolean withinHorizon = PeerOutbox.isPeerTarget(d.notifyUrl())
                    ? !next.isAfter(d.createdAt().plus(peers.retryHorizon()))
                    : policy.withinHorizon(d.createdAt(), next);
            if (!permanent && withinHorizon) {
                tx.inTransaction(repo -> {
                    repo.scheduleRetry(d.id(), next, why);
                    return null;
                });
                retried.increment();
            } else {
                tx.inTransaction(repo -> {
                    repo.park(d.id(), now, why);
                    return null;
                });
                failed.increment();
                LOG.warn("notification {} for subscription {} parked after {} attempts: {}", d.id(),
                        d.subscriptionId(), d.attempts(), why);
            }
        } catch (RuntimeException e) {
            // The lease expires and the delivery is claimed again: nothing is lost.
            LOG.warn("could not record the outcome of notification {}", d.id(), e);
        } finally {
            inFlight.decrementAndGet();
            wake();
        }
    }

    private void housekeeping(Instant now) {
        tx.inTransaction(repo -> {
            int purged = repo.purgeExpiredSubscriptions(now);
            if (purged > 0) {
                LOG.info("{} expired subscriptions removed", purged);
            }
            depth.clear();
            depth.putAll(repo.countsByState());
            return null;
        });
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        wake();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        completions.shutdown();
        try {
            completions.awaitTermination(policy.httpTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
    }
}
