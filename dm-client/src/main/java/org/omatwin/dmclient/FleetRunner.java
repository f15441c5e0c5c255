package org.omatwin.dmclient;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Fleet mode: N simulated devices in one process, each with its own {@code urn:imei:} and in-memory tree, all
 * sharing one non-blocking HttpClient and holding long polls; a waiting device holds no thread. Devices start at a
 * bounded rate; statistics are printed every {@code statsSeconds}.
 */
public final class FleetRunner implements AutoCloseable {

    /** The type allocation code of the simulated IMEIs (8 digits; then a 6-digit serial and the Luhn digit). */
    static final String TAC = "35693803";

    private final int size;
    private final URI server;
    private final HttpClient http;
    private final Function<String, TokenSource> tokens;
    private final DeviceProfile template;
    private final int waitSeconds;
    private final int startsPerSecond;
    private final PrintStream out;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleet-timer");
        t.setDaemon(true);
        return t;
    });
    private final List<DeviceAgent> agents = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> loops = new CopyOnWriteArrayList<>();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong failedSessions = new AtomicLong();
    private final AtomicLong commands = new AtomicLong();
    private final AtomicLong alerts = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean stopped;

    public FleetRunner(int size, URI server, HttpClient http, Function<String, TokenSource> tokens,
                       DeviceProfile template, int waitSeconds, int startsPerSecond, PrintStream out) {
        if (size < 1 || size > 1_000_000) {
            throw new IllegalArgumentException("a fleet has 1 to 1000000 devices");
        }
        this.size = size;
        this.server = server;
        this.http = http;
        this.tokens = tokens;
        this.template = template;
        this.waitSeconds = waitSeconds;
        this.startsPerSecond = Math.max(1, startsPerSecond);
        this.out = out;
    }

    /** The IMEI URN of device {@code index} (0-based): TAC, 6-digit serial, Luhn check digit. */
    public static String devId(int index) {
        String body = TAC + String.format(Locale.ROOT, "%06d", index);
        int sum = 0;
        for (int i = 0; i < body.length(); i++) {
            int d = body.charAt(i) - '0';
            if (i % 2 == 1) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return "urn:imei:" + body + (10 - sum % 10) % 10;
    }

    /** Starts the devices (at most {@code startsPerSecond} a second) and the statistics line. */
    public void start(int statsSeconds) {
        long periodMicros = 1_000_000L / startsPerSecond;
        AtomicLong next = new AtomicLong();
        timer.scheduleAtFixedRate(() -> {
            int i = (int) next.getAndIncrement();
            if (i < size && !stopped) {
                startDevice(i);
            }
        }, 0, Math.max(1, periodMicros), TimeUnit.MICROSECONDS);
        timer.scheduleAtFixedRate(this::printStats, statsSeconds, statsSeconds, TimeUnit.SECONDS);
    }

    private void startDevice(int index) {
        String devId = devId(index);
        ManagementTree tree = ManagementTree.inMemory(new DeviceProfile(devId, template.manufacturer(),
                template.model(), template.language(), template.deviceType(), template.oem(),
                template.firmwareVersion(), template.softwareVersion(), template.hardwareVersion()));
        DmClient client = new DmClient(server, tokens.apply(devId), http);
        Counting counting = new Counting();
        DeviceAgent agent = new DeviceAgent(tree, client, new UpdateBehaviour(), counting);
        agents.add(agent);
        // like a single device: first a client-initiated session (Package#1 tells the server who it is, so
        // that it is known and found by device lists and jobs), then long polls
        CompletableFuture<Void> loop = new CompletableFuture<>();
        loops.add(loop);
        register(agent, counting, 0).whenComplete((ok, e) -> {
            if (stopped) {
                loop.complete(null);
            } else {
                agent.runLoop(waitSeconds).whenComplete((done, error) -> loop.complete(null));
            }
        });
    }

    /** The first session, retried with a growing pause (1 s doubling to 60 s) until it succeeds or the fleet stops. */
    private CompletableFuture<Void> register(DeviceAgent agent, Counting counting, int failures) {
        return agent.clientInitiated().handle((outcome, error) -> error).thenCompose(error -> {
            if (error == null || stopped) {
                return CompletableFuture.completedFuture(null);
            }
            counting.error("first session", error);
            long pause = Math.min(60_000, 1000L << Math.min(6, failures));
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(
                    pause / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(pause / 2 + 1),
                    TimeUnit.MILLISECONDS)).thenCompose(x -> register(agent, counting, failures + 1));
        });
    }

    private final class Counting implements DeviceListener {
        @Override
        public void sessionEnded(SessionOutcome outcome) {
            sessions.incrementAndGet();
            commands.addAndGet(outcome.commands());
            if (!outcome.ok()) {
                failedSessions.incrementAndGet();
            }
        }

        @Override
        public void alertSent(Wire.Alert alert) {
            alerts.incrementAndGet();
        }

        @Override
        public void error(String what, Throwable cause) {
            if (errors.incrementAndGet() <= 10) {
                out.println("fleet error (first 10 shown): " + what + ": " + DmException.describe(cause));
            }
        }
    }

    private long lastSessions;

    private synchronized void printStats() {
        long s = sessions.get();
        out.printf("fleet: %d/%d devices started, sessions %d (+%d), failed %d, commands %d, alerts %d, errors %d%n",
                agents.size(), size, s, s - lastSessions, failedSessions.get(), commands.get(), alerts.get(), errors.get());
        lastSessions = s;
    }

    public long completedSessions() {
        return sessions.get();
    }

    /** Stops every device and waits (up to {@code seconds}) for sessions under way to finish. */
    public void stop(int seconds) {
        stopped = true;
        agents.forEach(DeviceAgent::stop);
        try {
            CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            out.println("fleet: some devices were still busy after " + seconds + " s");
        }
        printStats();
        timer.shutdownNow();
    }

    @Override
    public void close() {
        stop(10);
    }
}
