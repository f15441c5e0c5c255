import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load and checks for the fault scripts (bench/fault-*.sh), against the REST API of cores in
 * development authentication mode, on loopback.
 *
 *   load    BASE[,BASE2] JOURNAL SECONDS WORKERS   activations and toggles; every acknowledged success is
 *           journalled (after the 2xx) and every attempt before it is sent; stops at SECONDS or when
 *           the server is gone
 *   verify  BASE JOURNAL                           after a restart: every acknowledged activation exists,
 *           complete on both sides; every toggled relationship shows its last acknowledged status (or
 *           the one of a toggle still in flight when the core died)
 *   probe   BASE SECONDS                           one toggle every 50 ms; prints each outcome with its time
 *           (ok / requestError id / other) to see an outage and the recovery
 *   race    BASE[,BASE2] PAIRS                     each code redeemed by two phones at once through the
 *           given bases: exactly one may win
 *   listen  PORT OUTFILE SECONDS                    a notification listener: one line per POST received
 *   notified JOURNAL OUTFILE                        every watch got exactly one notification per event
 *           (its activation and each acknowledged toggle by its phone), no duplicates
 * With NOTIFY_URL set, load subscribes each watch to it before asking for its code.
 */
public class FaultLoad {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();
    static final Pattern CODE = Pattern.compile("\"code\":\"([0-9]{6})\"");
    static final Pattern ID = Pattern.compile("\"resourceURL\":\"[^\"]*/twinnings/([a-z0-9]+)\"");
    static final Pattern STATUS = Pattern.compile("\"twinningStatus\":\"([A-Za-z]+)\"");
    static final Pattern OTHER = Pattern.compile("\"otherDevice\":\\{\"address\":\"([^\"]+)\"");
    static final Pattern MESSAGE_ID = Pattern.compile("\"messageId\":\"([A-Z0-9]+)\"");

    record Reply(int status, String body) {}

    static final String NOTIFY_URL = System.getenv("NOTIFY_URL");
    static final Pattern OWN = Pattern.compile("\"ownAddress\":\"([^\"]+)\"");
    static final Pattern EVENT = Pattern.compile("\"eventType\":\"([A-Za-z]+)\"");

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "load" -> load(args[1].split(","), Path.of(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            case "verify" -> System.exit(verify(args[1], Path.of(args[2])));
            case "probe" -> probe(args[1], Integer.parseInt(args[2]));
            case "race" -> System.exit(race(args[1].split(","), Integer.parseInt(args[2])));
            case "listen" -> listen(Integer.parseInt(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
            case "notified" -> System.exit(notified(Path.of(args[1]), Path.of(args[2])));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static String device(String prefix) {
        return prefix + String.format("%09d", ThreadLocalRandom.current().nextInt(1_000_000_000));
    }

    static String url(String base, String user, String rest) {
        return base + URLEncoder.encode(user, StandardCharsets.UTF_8) + rest;
    }

    static Reply send(String method, String url, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    static String group(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.find() ? m.group(1) : null;
    }

    // ---- load ----

    static final class Journal {
        private final BufferedWriter out;

        Journal(Path file) throws IOException {
            out = Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }

        synchronized void write(String line) {
            try {
                out.write(line);
                out.newLine();
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static void load(String[] bases, Path journalFile, int seconds, int workers) throws Exception {
        Journal journal = new Journal(journalFile);
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicInteger activations = new AtomicInteger();
        AtomicInteger toggles = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            int worker = w;
            Thread.ofPlatform().start(() -> {
                List<String[]> mine = new ArrayList<>(); // {primary, id, status}
                int n = 0;
                try {
                    while (System.nanoTime() < end) {
                        String base = bases[(n++ + worker) % bases.length];
                        try {
                            if (mine.isEmpty() || ThreadLocalRandom.current().nextInt(4) == 0) {
                                String watch = device("tel:+4470");
                                String phone = device("tel:+4471");
                                if (NOTIFY_URL != null) {
                                    Reply sub = send("POST", url(base, watch, "/subscriptions"),
                                            "{\"twinningSubscription\":{\"callbackReference\":{\"notifyURL\":\""
                                                    + NOTIFY_URL + "\"}}}");
                                    if (sub.status() != 201) {
                                        refused.incrementAndGet();
                                        continue;
                                    }
                                    journal.write("S " + watch);
                                }
                                Reply code = send("POST", url(base, watch, "/twinnings"),
                                        "{\"twinning\":{\"role\":\"Secondary\"}}");
                                if (code.status() != 201) {
                                    refused.incrementAndGet();
                                    continue;
                                }
                                journal.write("a " + watch + " " + phone);
                                // the other base redeems it when there are two (codes are shared)
                                String other = bases[(n + worker) % bases.length];
                                Reply on = send("POST", url(other, phone, "/twinnings"),
                                        "{\"twinning\":{\"role\":\"Primary\",\"activationCode\":{\"code\":\""
                                                + group(CODE, code.body()) + "\"}}}");
                                if (on.status() == 201) {
                                    String id = group(ID, on.body());
                                    journal.write("A " + watch + " " + phone + " " + id);
                                    mine.add(new String[] {phone, id, "On"});
                                    activations.incrementAndGet();
                                } else {
                                    refused.incrementAndGet();
                                }
                            } else {
                                String[] pair = mine.get(ThreadLocalRandom.current().nextInt(mine.size()));
                                String next = pair[2].equals("On") ? "Off" : "On";
                                journal.write("t " + pair[1] + " " + next);
                                Reply r = send("PUT", url(base, pair[0], "/twinnings/" + pair[1] + "/twinningStatus"),
                                        "{\"twinningStatus\":\"" + next + "\"}");
                                if (r.status() == 200) {
                                    pair[2] = next;
                                    journal.write("T " + pair[1] + " " + next);
                                    toggles.incrementAndGet();
                                } else {
                                    refused.incrementAndGet();
                                }
                            }
                        } catch (IOException e) {
                            // the server is gone (killed): this client stops
                            return;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        System.out.printf("load: %d activations, %d toggles acked, %d refused%n", activations.get(),
                toggles.get(), refused.get());
    }

    // ---- verify ----

    static int verify(String base, Path journalFile) throws Exception {
        Map<String, String[]> activated = new HashMap<>(); // id -> {watch, phone}
        Map<String, String> acked = new HashMap<>();        // id -> last acknowledged status
        Map<String, String> attempted = new HashMap<>();    // id -> status of the last attempt
        Set<String> attemptedActivations = ConcurrentHashMap.newKeySet();
        for (String line : Files.readAllLines(journalFile)) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "a" -> attemptedActivations.add(f[1] + " " + f[2]);
                case "A" -> {
                    activated.put(f[3], new String[] {f[1], f[2]});
                    acked.put(f[3], "On");
                    attempted.remove(f[3]);
                }
                case "t" -> attempted.put(f[1], f[2]);
                case "T" -> {
                    acked.put(f[1], f[2]);
                    if (f[2].equals(attempted.get(f[1]))) {
                        attempted.remove(f[1]);
                    }
                }
                default -> { }
            }
        }
        int lost = 0;
        int wrongStatus = 0;
        int halfMade = 0;
        for (Map.Entry<String, String[]> e : activated.entrySet()) {
            String id = e.getKey();
            String watch = e.getValue()[0];
            String phone = e.getValue()[1];
            Reply p = send("GET", url(base, phone, "/twinnings/" + id), null);
            Reply w = send("GET", url(base, watch, "/twinnings"), null);
            if (p.status() != 200) {
                lost++;
                System.out.println("LOST activation " + id + " (" + phone + "): HTTP " + p.status());
                continue;
            }
            if (!watch.equals(group(OTHER, p.body())) || !w.body().contains("/twinnings/" + id + "\"")) {
                halfMade++;
                System.out.println("HALF-MADE " + id + ": primary sees " + group(OTHER, p.body()) + ", secondary "
                        + w.body());
            }
            String status = group(STATUS, p.body());
            String expected = acked.get(id);
            String inFlight = attempted.get(id);
            if (!status.equals(expected) && !status.equals(inFlight)) {
                wrongStatus++;
                System.out.println("LOST toggle on " + id + ": shows " + status + ", last acknowledged " + expected);
            }
        }
        int unacked = 0;
        for (String pair : attemptedActivations) {
            String[] f = pair.split(" ");
            if (activated.values().stream().noneMatch(v -> v[0].equals(f[0]))) {
                unacked++;
            }
        }
        System.out.printf("verify: %d acked activations: %d lost, %d half-made; %d toggles lost; %d in flight%n",
                activated.size(), lost, halfMade, wrongStatus, unacked);
        return lost + halfMade + wrongStatus == 0 ? 0 : 1;
    }

    // ---- probe ----

    static void probe(String base, int seconds) throws Exception {
        String watch = device("tel:+4470");
        String phone = device("tel:+4471");
        Reply code = send("POST", url(base, watch, "/twinnings"), "{\"twinning\":{\"role\":\"Secondary\"}}");
        Reply on = send("POST", url(base, phone, "/twinnings"),
                "{\"twinning\":{\"role\":\"Primary\",\"activationCode\":{\"code\":\"" + group(CODE, code.body())
                        + "\"}}}");
        String id = group(ID, on.body());
        long start = System.currentTimeMillis();
        System.out.printf("probe started at %.3f%n", start / 1000.0);
        String status = "On";
        while (System.currentTimeMillis() - start < seconds * 1000L) {
            String next = status.equals("On") ? "Off" : "On";
            String outcome;
            try {
                Reply r = send("PUT", url(base, phone, "/twinnings/" + id + "/twinningStatus"),
                        "{\"twinningStatus\":\"" + next + "\"}");
                if (r.status() == 200) {
                    outcome = "ok";
                    status = next;
                } else {
                    String messageId = group(MESSAGE_ID, r.body());
                    outcome = messageId == null ? "HTTP " + r.status() + " without requestError"
                            : r.status() + " " + messageId;
                }
            } catch (IOException e) {
                outcome = "no answer";
            }
            System.out.printf("t=%.2fs %s%n", (System.currentTimeMillis() - start) / 1000.0, outcome);
            Thread.sleep(50);
        }
    }

    // ---- race ----

    static int race(String[] bases, int pairs) throws Exception {
        int doubleWins = 0;
        int noWin = 0;
        for (int i = 0; i < pairs; i++) {
            String watch = device("tel:+4470");
            Reply code = send("POST", url(bases[0], watch, "/twinnings"), "{\"twinning\":{\"role\":\"Secondary\"}}");
            String c = group(CODE, code.body());
            Reply[] replies = new Reply[2];
            CountDownLatch go = new CountDownLatch(1);
            Thread[] threads = new Thread[2];
            for (int k = 0; k < 2; k++) {
                int side = k;
                threads[k] = Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        replies[side] = send("POST", url(bases[side % bases.length], device("tel:+4471"), "/twinnings"),
                                "{\"twinning\":{\"role\":\"Primary\",\"activationCode\":{\"code\":\"" + c + "\"}}}");
                    } catch (Exception e) {
                        replies[side] = new Reply(-1, e.toString());
                    }
                });
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            int wins = (replies[0].status() == 201 ? 1 : 0) + (replies[1].status() == 201 ? 1 : 0);
            if (wins > 1) {
                doubleWins++;
            } else if (wins == 0) {
                noWin++;
            }
        }
        System.out.printf("race: %d codes each redeemed by two phones at once through %d instance(s): %d double"
                + " activations, %d with no winner%n", pairs, bases.length, doubleWins, noWin);
        return doubleWins == 0 && noWin == 0 ? 0 : 1;
    }

    // ---- notifications ----

    static void listen(int port, Path out, int seconds) throws Exception {
        Journal lines = new Journal(out);
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            lines.write(exchange.getRequestHeaders().getFirst("X-Notification-Id") + " " + group(OWN, body) + " "
                    + group(EVENT, body));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        Thread.sleep(seconds * 1000L);
        server.stop(0);
        System.exit(0);
    }

    static int notified(Path journalFile, Path received) throws Exception {
        Map<String, Integer> expected = new HashMap<>();
        Map<String, String> watchOf = new HashMap<>();
        Set<String> subscribed = new java.util.HashSet<>();
        for (String line : Files.readAllLines(journalFile)) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "S" -> subscribed.add(f[1]);
                case "A" -> {
                    watchOf.put(f[3], f[1]);
                    if (subscribed.contains(f[1])) {
                        expected.merge(f[1], 1, Integer::sum);
                    }
                }
                case "T" -> {
                    String watch = watchOf.get(f[1]);
                    if (subscribed.contains(watch)) {
                        expected.merge(watch, 1, Integer::sum);
                    }
                }
                default -> { }
            }
        }
        Map<String, Integer> got = new HashMap<>();
        Set<String> ids = new java.util.HashSet<>();
        int duplicates = 0;
        for (String line : Files.readAllLines(received)) {
            String[] f = line.split(" ");
            if (!ids.add(f[0])) {
                duplicates++;
                continue;
            }
            got.merge(f[1], 1, Integer::sum);
        }
        int missing = 0;
        int extra = 0;
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            int n = got.getOrDefault(e.getKey(), 0);
            missing += Math.max(0, e.getValue() - n);
            extra += Math.max(0, n - e.getValue());
        }
        int total = expected.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("notified: %d events for %d subscribed watches: %d missing, %d extra, %d duplicate"
                + " deliveries%n", total, expected.size(), missing, extra, duplicates);
        return missing + extra + duplicates == 0 ? 0 : 1;
    }
}
