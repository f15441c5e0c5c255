package org.omatwin.dmclient;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.omatwin.dmclient.DeviceListener.SessionOutcome;
import org.omatwin.dmclient.ManagementTree.Origin;

/**
 * One device: its tree, the DM client, and the session flows of seed 004 x.2: server-initiated (long poll on
 * {@code /sessions/pending}, then start that session), client-initiated ({@code POST /sessions/next}), the
 * package/report loop until 204, then the deferred EXEC work with its result alerts, and the
 * {@code urn:oma:dm:alert:node-changed} alerts for subscribed nodes the device itself changed. Everything is
 * asynchronous: a waiting device holds no thread.
 */
public final class DeviceAgent {

    public static final String NODE_CHANGED_ALERT = "urn:oma:dm:alert:node-changed";

    private final ManagementTree tree;
    private final DmClient client;
    private final DeviceListener listener;
    private final CommandExecutor executor;
    private final ExecActions actions;
    private final Queue<Wire.Alert> nodeChanges = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicReference<CompletableFuture<?>> poll = new AtomicReference<>();

    public DeviceAgent(ManagementTree tree, DmClient client, UpdateBehaviour behaviour, DeviceListener listener) {
        this.tree = tree;
        this.client = client;
        this.listener = listener;
        this.actions = new ExecActions(tree, client, behaviour);
        this.executor = new CommandExecutor(tree, client, actions, listener);
        tree.addListener(this::nodeChanged);
    }

    public ManagementTree tree() {
        return tree;
    }

    public DmClient client() {
        return client;
    }

    /** Client-initiated: {@code POST /sessions/next} with {@code sessionStart}; runs the session if one starts. */
    public CompletableFuture<Optional<SessionOutcome>> clientInitiated() {
        return client.startNext(tree.sessionStart()).thenCompose(first -> first.isEmpty()
                ? CompletableFuture.completedFuture(Optional.<SessionOutcome>empty())
                : runSession(first.get()).thenApply(Optional::of));
    }

    /**
     * Server-initiated: waits up to {@code waitSeconds} for a pending session, starts it and runs it. Completes
     * with empty when nothing was pending.
     */
    public CompletableFuture<Optional<SessionOutcome>> pollAndRun(int waitSeconds) {
        CompletableFuture<List<Wire.SessionInfo>> pending = client.pending(waitSeconds);
        poll.set(pending);
        return pending.thenCompose(list -> {
            poll.set(null);
            if (list.isEmpty() || stopped.get()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            return client.start(list.get(0).sessionId(), tree.sessionStart())
                    .thenCompose(this::runSession).thenApply(Optional::of);
        });
    }

    /** Runs a session from its first package: packages and reports until 204, then the deferred work. */
    public CompletableFuture<SessionOutcome> runSession(Wire.SessionPackage first) {
        listener.sessionStarted(first);
        List<ExecActions.DeferredJob> deferred = new ArrayList<>();
        return runPackages(first, first.sessionId(), deferred, 1, 0, true).thenCompose(outcome -> {
            listener.sessionEnded(outcome);
            return afterSession(deferred).thenApply(x -> outcome);
        });
    }

    private CompletableFuture<SessionOutcome> runPackages(Wire.SessionPackage pkg, String firstId,
                                                          List<ExecActions.DeferredJob> deferred, int packages,
                                                          int commands, boolean ok) {
        return executor.execute(pkg).thenCompose(result -> {
            deferred.addAll(result.deferred());
            save();
            int total = commands + result.report().status().size();
            boolean allOk = ok && result.ok();
            return client.report(pkg.sessionId(), result.report())
                    .whenComplete((next, e) -> {
                        if (e != null) {
                            abortQuietly(pkg.sessionId());
                        }
                    })
                    .thenCompose(next -> next.isPresent()
                            ? runPackages(next.get(), firstId, deferred, packages + 1, total, allOk)
                            : CompletableFuture.completedFuture(new SessionOutcome(firstId, packages, total, allOk)));
        });
    }

    private void abortQuietly(String sessionId) {
        client.abort(sessionId).exceptionally(e -> null); // best effort; the server expires it otherwise
    }

    /** Deferred EXEC work, each ending in its result alert, then the node-changed alerts it caused. */
    private CompletableFuture<Void> afterSession(List<ExecActions.DeferredJob> deferred) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (ExecActions.DeferredJob job : deferred) {
            chain = chain.thenCompose(x -> job.run()
                    .whenComplete((a, e) -> save())
                    .thenCompose(this::sendAlert)
                    .exceptionally(e -> {
                        listener.error("deferred EXEC", e);
                        return null;
                    }));
        }
        return chain.thenCompose(x -> sendNodeChanges());
    }

    /** Sends the node-changed alerts queued so far. */
    public CompletableFuture<Void> sendNodeChanges() {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        Wire.Alert alert;
        while ((alert = nodeChanges.poll()) != null) {
            Wire.Alert a = alert;
            chain = chain.thenCompose(x -> sendAlert(a).exceptionally(e -> {
                listener.error("node-changed alert for " + a.uri(), e);
                return null;
            }));
        }
        return chain;
    }

    /** Sends an alert; when the server answers with a pending session's first package, runs that session. */
    public CompletableFuture<Void> sendAlert(Wire.Alert alert) {
        return client.alert(alert, true).thenCompose(session -> {
            listener.alertSent(alert);
            return session.isPresent() ? runSession(session.get()).thenAccept(x -> {
            }) : CompletableFuture.completedFuture(null);
        });
    }

    private void nodeChanged(String uri, ManagementTree.Node node, Origin origin) {
        if (origin != Origin.DEVICE) {
            return; // the server made this change itself
        }
        tree.subscriptionCovering(uri).ifPresent(subscribed -> {
            ObjectNode data = Wire.JSON.createObjectNode();
            data.put("subscribedUri", subscribed);
            if (node == null) {
                data.put("deleted", true);
            } else if (!node.interior()) {
                data.put("format", node.format().wire());
                data.set("value", node.jsonValue());
            }
            nodeChanges.add(new Wire.Alert(ExecActions.newAlertId(), NODE_CHANGED_ALERT, uri, null, null,
                    "informational", data, ExecActions.now()));
        });
    }

    private void save() {
        try {
            tree.save();
        } catch (IOException e) {
            listener.error("saving the management tree", e);
        }
    }

    /**
     * Runs until {@link #stop()}: long polls for pending sessions and runs each, backing off (1 s doubling to 60 s,
     * with jitter) after failures. The returned future completes once stopped.
     */
    public CompletableFuture<Void> runLoop(int waitSeconds) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        step(waitSeconds, 0, done);
        return done;
    }

    private void step(int waitSeconds, int failures, CompletableFuture<Void> done) {
        if (stopped.get()) {
            done.complete(null);
            return;
        }
        long started = System.nanoTime();
        pollAndRun(waitSeconds).whenComplete((outcome, e) -> {
            if (stopped.get()) {
                done.complete(null);
                return;
            }
            long delayMillis = 0;
            int nextFailures = 0;
            if (e != null) {
                listener.error("session", e);
                nextFailures = failures + 1;
                long backoff = Math.min(60_000, 1000L << Math.min(6, failures));
                delayMillis = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
            } else if (outcome.isEmpty() && waitSeconds > 0
                    && System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(500)) {
                delayMillis = 1000; // an empty answer at once (the poll was replaced): do not spin
            }
            int f = nextFailures;
            CompletableFuture.runAsync(() -> step(waitSeconds, f, done),
                    CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS));
        });
    }

    /** Stops the loop and the periodic diagnostics reports: a held long poll is cancelled; a session under way finishes. */
    public void stop() {
        stopped.set(true);
        actions.stopReports();
        CompletableFuture<?> p = poll.getAndSet(null);
        if (p != null) {
            p.cancel(true);
        }
    }

    public boolean stopped() {
        return stopped.get();
    }
}
