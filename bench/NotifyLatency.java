import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Notification latency benchmark (issue: notifications). Open-loop load of toggles over REST against a
 * running core; a loopback listener receives the StatusChanged notifications; latency = arrival time
 * minus the notification's eventTime (the toggle's commit, same machine clock).
 *
 * java bench/NotifyLatency.java BASE_URL fixed RATE SECONDS
 * java bench/NotifyLatency.java BASE_URL ramp START STEP SECONDS_PER_STEP
 */
public class NotifyLatency {
    static final Pattern EVENT_TIME = Pattern.compile("\"eventTime\":\"([^\"]+)\"");
    static final Pattern CODE = Pattern.compile("\"code\":\"([0-9]{6})\"");
    static final Pattern URL = Pattern.compile("\"resourceURL\":\"([^\"]+)\"");
    static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(64)).build();

    record Pair(String watch, String id, boolean[] on) {}

    record Result(int rate, int sent, int failed, int received, double p50, double p99, double max,
            double toggleP99) {}

    public static void main(String[] args) throws Exception {
        String base = args[0];
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger received = new AtomicInteger();
        HttpServer listener = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        listener.setExecutor(Executors.newFixedThreadPool(16));
        listener.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Instant now = Instant.now();
            Matcher m = EVENT_TIME.matcher(body);
            if (body.contains("StatusChanged") && m.find()) {
                Instant t = Instant.parse(m.group(1));
                latencies.add((now.toEpochMilli() - t.toEpochMilli()) + (now.getNano() % 1_000_000 - t.getNano() % 1_000_000) / 1e6);
                received.incrementAndGet();
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        listener.start();
        String notifyUrl = "http://127.0.0.1:" + listener.getAddress().getPort() + "/n";

        if (args[1].equals("fixed")) {
            int rate = Integer.parseInt(args[2]);
            int seconds = Integer.parseInt(args[3]);
            List<Pair> pairs = setup(base, notifyUrl, Math.max(200, rate));
            run(base, pairs, rate, 10, latencies, received); // warm-up (JIT, pools, connections), not reported
            Result r = run(base, pairs, rate, seconds, latencies, received);
            header();
            print(r);
        } else {
            int rate = Integer.parseInt(args[2]);
            int step = Integer.parseInt(args[3]);
            int seconds = Integer.parseInt(args[4]);
            List<Pair> pairs = setup(base, notifyUrl, 2000);
            run(base, pairs, rate, 10, latencies, received); // warm-up, not reported
            header();
            int best = 0;
            for (; rate <= 5000; rate += step) {
                Result r = run(base, pairs, rate, seconds, latencies, received);
                print(r);
                boolean sustained = r.p99 < 1000 && r.failed == 0 && r.received >= r.sent * 0.999
                        && r.sent >= rate * seconds * 0.95;
                if (!sustained) {
                    break;
                }
                best = rate;
            }
            System.out.println("max sustained rate with p99 < 1 s: " + best + " toggles/s");
        }
        listener.stop(0);
        System.exit(0);
    }

    static void header() {
        System.out.printf("%8s %8s %7s %9s %9s %9s %9s %12s%n", "rate/s", "sent", "failed", "notified",
                "p50 ms", "p99 ms", "max ms", "toggle p99");
    }

    static void print(Result r) {
        System.out.printf("%8d %8d %7d %9d %9.1f %9.1f %9.1f %12.1f%n", r.rate, r.sent, r.failed, r.received, r.p50,
                r.p99, r.max, r.toggleP99);
    }

    static List<Pair> setup(String base, String notifyUrl, int n) throws Exception {
        List<Pair> pairs = Collections.synchronizedList(new ArrayList<>());
        var pool = Executors.newFixedThreadPool(16);
        long t = System.nanoTime();
        for (int i = 0; i < n; i++) {
            int k = i;
            pool.submit(() -> {
                String suffix = String.format("%08d", (System.nanoTime() + k * 7919L) % 100_000_000L);
                String watch = "tel:+4470" + suffix;
                String phone = "tel:+4471" + suffix;
                String w = post(base + enc(watch) + "/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}");
                Matcher c = CODE.matcher(w);
                if (!c.find()) {
                    return null;
                }
                post(base + enc(phone) + "/subscriptions", "{\"twinningSubscription\":{\"callbackReference\":"
                        + "{\"notifyURL\":\"" + notifyUrl + "\"}}}");
                String p = post(base + enc(phone) + "/twinnings", "{\"twinning\":{\"role\":\"Primary\","
                        + "\"activationCode\":{\"code\":\"" + c.group(1) + "\"}}}");
                Matcher u = URL.matcher(p);
                if (u.find()) {
                    String url = u.group(1);
                    pairs.add(new Pair(watch, url.substring(url.lastIndexOf('/') + 1), new boolean[] {true}));
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        System.out.printf("setup: %d twinned pairs with a subscription in %.1f s%n", pairs.size(),
                (System.nanoTime() - t) / 1e9);
        Thread.sleep(3000); // let the Activated notifications drain
        return pairs;
    }

    static Result run(String base, List<Pair> pairs, int rate, int seconds, ConcurrentLinkedQueue<Double> latencies,
            AtomicInteger received) throws Exception {
        latencies.clear();
        received.set(0);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ConcurrentLinkedQueue<Double> toggleMs = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long periodNanos = 1_000_000_000L / rate;
        int total = rate * seconds;
        AtomicInteger next = new AtomicInteger();
        var task = ticker.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            if (i >= total) {
                return;
            }
            Pair p = pairs.get(i % pairs.size());
            boolean target;
            synchronized (p) {
                target = !p.on[0];
                p.on[0] = target;
            }
            long start = System.nanoTime();
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + enc(p.watch) + "/twinnings/" + p.id
                    + "/twinningStatus")).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"twinningStatus\":\"" + (target ? "On" : "Off") + "\"}"))
                    .build();
            sent.incrementAndGet();
            HTTP.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                toggleMs.add((System.nanoTime() - start) / 1e6);
                if (e != null || r.statusCode() != 200) {
                    failed.incrementAndGet();
                }
            });
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            Thread.sleep(100);
        }
        task.cancel(false);
        ticker.shutdown();
        long drainUntil = System.nanoTime() + 10_000_000_000L;
        while (received.get() < sent.get() - failed.get() && System.nanoTime() < drainUntil) {
            Thread.sleep(100);
        }
        List<Double> l = new ArrayList<>(latencies);
        Collections.sort(l);
        List<Double> tl = new ArrayList<>(toggleMs);
        Collections.sort(tl);
        return new Result(rate, sent.get(), failed.get(), received.get(), pct(l, 0.50), pct(l, 0.99),
                l.isEmpty() ? Double.NaN : l.get(l.size() - 1), pct(tl, 0.99));
    }

    static double pct(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    static String post(String url, String body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            return "";
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
