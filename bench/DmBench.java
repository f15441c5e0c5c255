import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Load generator for the DM device surface benchmarks (bench/dm-long-polls.sh, bench/dm-sessions.sh), run from
 * source: {@code java bench/DmBench.java devices|operations ...}. Needs only the JDK.
 *
 * <p>{@code devices BASE FINGERPRINT COUNT STARTS_PER_SECOND WAIT_SECONDS RUN_SECONDS}: COUNT simulated devices
 * against {@code BASE} (https://127.0.0.1:PORT/dm/v2) of a core in TWIN_AUTH_MODE=dev (each names itself with
 * {@code x-dev-devid}; no tokens). All share ONE non-blocking {@link HttpClient} forced to HTTP/1.1, so every
 * held long poll has its own TLS connection, as separate devices would (HTTP/2 would multiplex them all on one).
 * Each device: a client-initiated {@code POST /sessions/next} with its sessionStart (which registers it), then
 * long polls {@code GET /sessions/pending?wait=WAIT}; when one returns a pending session it starts it, answers
 * {@code GET} commands from a fixed DevDetail (other commands 406), reports, and polls again. The server
 * certificate is pinned by its SHA-256 (no hostname check). A {@code stats} line every 2 s; exits after
 * RUN_SECONDS. At most 64 registrations are in flight at once, and failed calls are retried after 1-30 s of
 * exponential backoff with jitter.
 *
 * <p>{@code operations DMWSI_BASE COUNT CONCURRENCY}: posts one DMWSI {@code retrieve ./DevDetail} for each of
 * the devices 0..COUNT-1 (no token: dev mode), at most CONCURRENCY in flight, as fast as the core accepts them;
 * prints the wall-clock time of the first POST and of the last answer.
 */
public final class DmBench {
    static final String TAC = "35693803";

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "devices" -> new Devices(URI.create(args[1]), args[2], Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6])).run();
            case "operations" -> operations(URI.create(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            default -> {
                System.err.println("usage: DmBench devices BASE FINGERPRINT COUNT STARTS_PER_SECOND WAIT RUN_SECONDS\n"
                        + "       DmBench operations DMWSI_BASE COUNT CONCURRENCY");
                System.exit(2);
            }
        }
    }

    /** The IMEI URN of device {@code index}, as dm-client's FleetRunner makes them (TAC, serial, Luhn digit). */
    static String devId(int index) {
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

    // ---------------------------------------------------------------------------------------------- devices

    static final class Devices {
        final URI base;
        final int count;
        final int startsPerSecond;
        final int wait;
        final int runSeconds;
        final HttpClient http;
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "timer");
            t.setDaemon(true);
            return t;
        });
        final AtomicLong started = new AtomicLong();
        final AtomicLong registered = new AtomicLong();
        final AtomicLong polling = new AtomicLong();      // polls sent and not yet answered
        final AtomicLong pollsAnswered = new AtomicLong();
        final AtomicLong sessions = new AtomicLong();
        final AtomicLong commands = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final long t0 = System.nanoTime();
        final Semaphore registering = new Semaphore(64);

        Devices(URI base, String fingerprint, int count, int startsPerSecond, int wait, int runSeconds)
                throws Exception {
            this.base = base;
            this.count = count;
            this.startsPerSecond = Math.max(1, startsPerSecond);
            this.wait = wait;
            this.runSeconds = runSeconds;
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new Pinned(fingerprint)}, null);
            this.http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .sslContext(tls)
                    .connectTimeout(Duration.ofSeconds(60))
                    .executor(Executors.newFixedThreadPool(4, r -> {
                        Thread t = new Thread(r, "http");
                        t.setDaemon(true);
                        return t;
                    }))
                    .build();
        }

        void run() throws InterruptedException {
            long period = 1_000_000L / startsPerSecond;
            AtomicLong next = new AtomicLong();
            timer.scheduleAtFixedRate(() -> {
                // at most REGISTERING registrations (TLS handshake + Package#1) in flight: a slow core slows the
                // start instead of piling up connect timeouts and retries
                if (next.get() < count && registering.tryAcquire()) {
                    started.incrementAndGet();
                    new Device(devId((int) next.getAndIncrement())).register();
                }
            }, 0, Math.max(1, period), TimeUnit.MICROSECONDS);
            timer.scheduleAtFixedRate(this::stats, 2, 2, TimeUnit.SECONDS);
            Thread.sleep(runSeconds * 1000L);
            stats();
            System.out.println("devices: run time over, exiting");
            System.out.flush();
            System.exit(0);
        }

        void stats() {
            System.out.printf(Locale.ROOT, "stats t=%ds started=%d registered=%d polling=%d pollsAnswered=%d sessions=%d"
                            + " commands=%d errors=%d%n", (System.nanoTime() - t0) / 1_000_000_000L, started.get(),
                    registered.get(), polling.get(), pollsAnswered.get(), sessions.get(), commands.get(), errors.get());
            System.out.flush();
        }

        final class Device {
            final String devId;
            int failures;

            Device(String devId) {
                this.devId = devId;
            }

            HttpRequest.Builder request(String path) {
                return HttpRequest.newBuilder(base.resolve(base.getPath() + path))
                        .header("x-dev-devid", devId)
                        .header("Accept", "application/vnd.omadm-cmd+json")
                        .timeout(Duration.ofSeconds(wait + 40));
            }

            CompletableFuture<HttpResponse<String>> send(HttpRequest request) {
                return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            }

            void register() {
                String start = """
                        {"sessionStart":{"devInfo":{"devId":"%s","man":"OMA Twin","mod":"B1","dmV":"2.0","lang":"en"},\
                        "devDetail":{"devTyp":"watch","oem":"OMA Twin","fwV":"1.0.0","swV":"1.0","hwV":"A"}}}"""
                        .formatted(devId);
                send(request("/sessions/next").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(start)).build())
                        .thenCompose(r -> {
                            if (r.statusCode() == 204) {
                                return CompletableFuture.completedFuture(null);
                            }
                            if (r.statusCode() == 200) {
                                return runPackage(r.body());
                            }
                            throw new IllegalStateException("POST /sessions/next answered " + r.statusCode() + " " + r.body());
                        })
                        .whenComplete((v, e) -> {
                            if (e != null) {
                                failed("register", e);
                                timer.schedule(this::register, backoff(), TimeUnit.MILLISECONDS);
                            } else {
                                failures = 0;
                                registered.incrementAndGet();
                                registering.release();
                                poll();
                            }
                        });
            }

            void poll() {
                polling.incrementAndGet();
                send(request("/sessions/pending?wait=" + wait).GET().build()).whenComplete((r, e) -> {
                    polling.decrementAndGet();
                    pollsAnswered.incrementAndGet();
                    if (e != null || r.statusCode() != 200) {
                        failed("poll", e != null ? e : new IllegalStateException("poll answered " + r.statusCode() + " " + r.body()));
                        timer.schedule(this::poll, backoff(), TimeUnit.MILLISECONDS);
                        return;
                    }
                    failures = 0;
                    String sessionId = firstString(Json.parse(r.body()), "sessionId");
                    if (sessionId == null) {
                        poll();
                        return;
                    }
                    send(request("/sessions/id/" + sessionId).POST(HttpRequest.BodyPublishers.noBody()).build())
                            .thenCompose(s -> {
                                if (s.statusCode() != 200) {
                                    throw new IllegalStateException("start answered " + s.statusCode() + " " + s.body());
                                }
                                return runPackage(s.body());
                            })
                            .whenComplete((v, f) -> {
                                if (f != null) {
                                    failed("session", f);
                                    timer.schedule(this::poll, backoff(), TimeUnit.MILLISECONDS);
                                } else {
                                    sessions.incrementAndGet();
                                    poll();
                                }
                            });
                });
            }

            /** Reports one package; follows the next ones until 204 (the session ended). */
            @SuppressWarnings("unchecked")
            CompletableFuture<Void> runPackage(String body) {
                Map<String, Object> session = (Map<String, Object>) ((Map<String, Object>) Json.parse(body)).get("session");
                String id = (String) session.get("sessionId");
                StringBuilder report = new StringBuilder("{\"sessionReport\":{\"status\":[");
                boolean first = true;
                for (Object o : (List<Object>) session.getOrDefault("cmd", List.of())) {
                    Map<String, Object> cmd = (Map<String, Object>) o;
                    String op = (String) cmd.get("op");
                    if ("END".equals(op)) {
                        continue;
                    }
                    commands.incrementAndGet();
                    report.append(first ? "" : ",").append("{\"cmdId\":").append(Json.quote((String) cmd.get("cmdId")));
                    first = false;
                    if ("GET".equals(op) && String.valueOf(cmd.get("uri")).startsWith("./DevDetail")) {
                        report.append(",\"sc\":200,\"results\":[").append(DEV_DETAIL).append("]}");
                    } else {
                        report.append(",\"sc\":").append("GET".equals(op) ? 404 : 406).append('}');
                    }
                }
                report.append("]}}");
                return send(request("/sessions/id/" + id).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(report.toString())).build())
                        .thenCompose(r -> switch (r.statusCode()) {
                            case 204 -> CompletableFuture.completedFuture(null);
                            case 200 -> runPackage(r.body());
                            default -> throw new IllegalStateException("report answered " + r.statusCode() + " " + r.body());
                        });
            }

            /** 1, 2, 4 ... 30 s after consecutive failures, with jitter (no retry storm against a slow core). */
            long backoff() {
                long base = Math.min(30_000L, 1000L << Math.min(failures++, 5));
                return base / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(base / 2 + 1);
            }

            void failed(String what, Throwable e) {
                if (errors.incrementAndGet() <= 10) {
                    System.out.println("error (first 10 shown) " + devId + " " + what + ": " + e);
                }
            }
        }
    }

    static final String DEV_DETAIL = String.join(",",
            "{\"uri\":\"./DevDetail/DevTyp\",\"format\":\"chr\",\"value\":\"watch\"}",
            "{\"uri\":\"./DevDetail/OEM\",\"format\":\"chr\",\"value\":\"OMA Twin\"}",
            "{\"uri\":\"./DevDetail/FwV\",\"format\":\"chr\",\"value\":\"1.0.0\"}",
            "{\"uri\":\"./DevDetail/SwV\",\"format\":\"chr\",\"value\":\"1.0\"}",
            "{\"uri\":\"./DevDetail/HwV\",\"format\":\"chr\",\"value\":\"A\"}");

    /** Trusts exactly the certificate with this SHA-256 (colons optional); no CA or hostname check. */
    static final class Pinned extends X509ExtendedTrustManager {
        final byte[] pin;

        Pinned(String fingerprint) {
            pin = HexFormat.of().parseHex(fingerprint.replace(":", "").toLowerCase(Locale.ROOT));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                if (!MessageDigest.isEqual(pin, MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()))) {
                    throw new CertificateException("server certificate does not match the pinned SHA-256");
                }
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new CertificateException(e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    // ------------------------------------------------------------------------------------------- operations

    static void operations(URI dmwsi, int count, int concurrency) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicLong accepted = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong retried = new AtomicLong();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        URI target = URI.create(dmwsi + "/operations");
        long firstPost = 0;
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            String body = "{\"operation\":{\"type\":\"retrieve\",\"deviceRef\":\"" + devId(i)
                    + "\",\"uris\":[\"./DevDetail\"]}}";
            if (i == 0) {
                firstPost = System.currentTimeMillis();
            }
            HttpRequest request = HttpRequest.newBuilder(target).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
            all.add(postWithRetries(http, request, 5, retried).handle((r, e) -> {
                        inFlight.release();
                        if (e == null && r.statusCode() / 100 == 2) {
                            accepted.incrementAndGet();
                        } else if (failed.incrementAndGet() <= 5) {
                            System.out.println("operation POST failed: " + (e != null ? e : r.statusCode() + " " + r.body()));
                        }
                        return null;
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        long lastAnswer = System.currentTimeMillis();
        System.out.printf(Locale.ROOT,
                "operations first_post_epoch_ms=%d last_answer_epoch_ms=%d accepted=%d failed=%d retried_503=%d%n",
                firstPost, lastAnswer, accepted.get(), failed.get(), retried.get());
    }

    /** As an external system would: a 503 with Retry-After is sent again after that delay (a few times). */
    static CompletableFuture<HttpResponse<String>> postWithRetries(HttpClient http, HttpRequest request, int left,
            AtomicLong retried) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenCompose(r -> {
            if (r.statusCode() != 503 || left == 0) {
                return CompletableFuture.completedFuture(r);
            }
            retried.incrementAndGet();
            long seconds = r.headers().firstValueAsLong("Retry-After").orElse(1);
            return CompletableFuture.supplyAsync(() -> null,
                    CompletableFuture.delayedExecutor(seconds, java.util.concurrent.TimeUnit.SECONDS))
                    .thenCompose(x -> postWithRetries(http, request, left - 1, retried));
        });
    }

    // ------------------------------------------------------------------------------------------------- JSON

    /** The first string value under {@code key} anywhere in a parsed document (depth first), or null. */
    @SuppressWarnings("unchecked")
    static String firstString(Object node, String key) {
        if (node instanceof Map<?, ?> m) {
            if (m.get(key) instanceof String s) {
                return s;
            }
            for (Object v : m.values()) {
                String s = firstString(v, key);
                if (s != null) {
                    return s;
                }
            }
        } else if (node instanceof List<?> l) {
            for (Object v : l) {
                String s = firstString(v, key);
                if (s != null) {
                    return s;
                }
            }
        }
        return null;
    }

    /** A small JSON reader (objects, arrays, strings, numbers, true/false/null): enough for DM packages. */
    static final class Json {
        final String s;
        int i;

        Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json j = new Json(text);
            Object v = j.value();
            j.ws();
            if (j.i != text.length()) {
                throw new IllegalArgumentException("trailing characters in JSON");
            }
            return v;
        }

        static String quote(String v) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : v.toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }

        void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        Object value() {
            ws();
            char c = s.charAt(i);
            switch (c) {
                case '{' -> {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    ws();
                    if (s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        ws();
                        String k = string();
                        ws();
                        expect(':');
                        m.put(k, value());
                        ws();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect('}');
                            return m;
                        }
                    }
                }
                case '[' -> {
                    i++;
                    List<Object> l = new ArrayList<>();
                    ws();
                    if (s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        ws();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect(']');
                            return l;
                        }
                    }
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    if (s.startsWith("true", i)) {
                        i += 4;
                        return Boolean.TRUE;
                    }
                    if (s.startsWith("false", i)) {
                        i += 5;
                        return Boolean.FALSE;
                    }
                    if (s.startsWith("null", i)) {
                        i += 4;
                        return null;
                    }
                    int start = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                        i++;
                    }
                    if (start == i) {
                        throw new IllegalArgumentException("unexpected '" + c + "' in JSON at " + i);
                    }
                    return Double.parseDouble(s.substring(start, i));
                }
            }
        }

        void expect(char c) {
            if (s.charAt(i) != c) {
                throw new IllegalArgumentException("expected '" + c + "' in JSON at " + i);
            }
            i++;
        }

        String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
        }
    }
}
