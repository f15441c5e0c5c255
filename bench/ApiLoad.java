import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.omatwin.proto.twinning.v1.CreateTwinningRequest;
import org.omatwin.proto.twinning.v1.DeleteTwinningRequest;
import org.omatwin.proto.twinning.v1.Twinning;
import org.omatwin.proto.twinning.v1.TwinningActivationCode;
import org.omatwin.proto.twinning.v1.TwinningServiceGrpc;
import org.omatwin.proto.twinning.v1.UpdateTwinningStatusRequest;

/**
 * Closed-loop load for what h2load and wrk cannot do with one fixed request: gRPC toggles (each client
 * toggles its own pair, alternating On/Off) and the full activation flow (secondary create + primary
 * activate, timed together; then an untimed deactivation frees the pair for the next round), over gRPC
 * or REST, with real bearer tokens. Run with the core jar on the class path (it holds the stubs):
 *
 *   java -cp core-service/target/twinning-core.jar bench/ApiLoad.java OP PROTOCOL CLIENTS SECONDS TOKEN_URL API GRPC
 *     OP: toggle | activate   PROTOCOL: grpc | rest
 * Prints: op protocol clients ops/s p50_ms p99_ms errors
 */
public class ApiLoad {
    static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(16))
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    static final Pattern CODE = Pattern.compile("\"code\":\"([0-9]{6})\"");
    static final Pattern ID = Pattern.compile("\"resourceURL\":\"[^\"]*/twinnings/([a-z0-9]+)\"");

    public static void main(String[] args) throws Exception {
        String op = args[0];
        String protocol = args[1];
        int clients = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        String tokenUrl = args[4];
        String api = args[5];
        String grpcTarget = args[6];
        long run = System.nanoTime() % 1_000_000;

        // Each client owns a watch and a phone (numbers unique to this run) with their tokens.
        String[][] devices = new String[clients][4];
        for (int c = 0; c < clients; c++) {
            String watch = String.format("tel:+4472%03d%06d", c, run);
            String phone = String.format("tel:+4473%03d%06d", c, run);
            devices[c] = new String[] {watch, token(tokenUrl, watch), phone, token(tokenUrl, phone)};
        }
        ManagedChannel channel = NettyChannelBuilder.forTarget(grpcTarget).usePlaintext().build();
        String[] pairIds = new String[clients];
        if (op.equals("toggle")) {
            for (int c = 0; c < clients; c++) {
                pairIds[c] = activateRest(api, devices[c]);
            }
        }
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<long[]> latencies = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(clients);
        long started = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int me = c;
            long[] mine = new long[200_000];
            latencies.add(mine);
            Thread.ofPlatform().start(() -> {
                int n = 0;
                String[] d = devices[me];
                var watchStub = TwinningServiceGrpc.newBlockingStub(channel).withInterceptors(bearer(d[1]));
                var phoneStub = TwinningServiceGrpc.newBlockingStub(channel).withInterceptors(bearer(d[3]));
                boolean on = true;
                try {
                    while (System.nanoTime() < end && n < mine.length - 1) {
                        long t0 = System.nanoTime();
                        try {
                            if (op.equals("toggle")) {
                                on = !on;
                                String status = on ? "On" : "Off";
                                if (protocol.equals("grpc")) {
                                    watchStub.updateTwinningStatus(UpdateTwinningStatusRequest.newBuilder()
                                            .setUserId("acr:auth").setTwinningId(pairIds[me]).setTwinningStatus(status)
                                            .build());
                                } else {
                                    check(send("PUT", api + "/acr:auth/twinnings/" + pairIds[me] + "/twinningStatus",
                                            "{\"twinningStatus\":\"" + status + "\"}", d[1]), 200);
                                }
                                mine[++n] = System.nanoTime() - t0;
                            } else {
                                String id;
                                if (protocol.equals("grpc")) {
                                    String code = watchStub.createTwinning(CreateTwinningRequest.newBuilder()
                                            .setUserId("acr:auth").setTwinning(Twinning.newBuilder().setRole("Secondary"))
                                            .build()).getTwinning().getActivationCode().getCode();
                                    String url = phoneStub.createTwinning(CreateTwinningRequest.newBuilder()
                                            .setUserId("acr:auth").setTwinning(Twinning.newBuilder().setRole("Primary")
                                                    .setActivationCode(TwinningActivationCode.newBuilder().setCode(code)))
                                            .build()).getTwinning().getResourceUrl();
                                    id = url.substring(url.lastIndexOf('/') + 1);
                                    mine[++n] = System.nanoTime() - t0;
                                    phoneStub.deleteTwinning(DeleteTwinningRequest.newBuilder().setUserId("acr:auth")
                                            .setTwinningId(id).build());
                                } else {
                                    id = activateRest(api, d);
                                    mine[++n] = System.nanoTime() - t0;
                                    check(send("DELETE", api + "/acr:auth/twinnings/" + id, null, d[3]), 204);
                                }
                            }
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                        }
                    }
                } finally {
                    mine[0] = n;
                    done.countDown();
                }
            });
        }
        done.await();
        double elapsed = (System.nanoTime() - started) / 1e9;
        long total = 0;
        for (long[] l : latencies) {
            total += l[0];
        }
        long[] all = new long[(int) total];
        int k = 0;
        for (long[] l : latencies) {
            System.arraycopy(l, 1, all, k, (int) l[0]);
            k += (int) l[0];
        }
        Arrays.sort(all);
        System.out.printf("%-9s %-5s %4d %10.1f %9.2f %9.2f %6d%n", op, protocol, clients, total / elapsed,
                pct(all, 0.50), pct(all, 0.99), errors.get());
        channel.shutdownNow();
        System.exit(0);
    }

    static double pct(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, q * sorted.length)] / 1e6;
    }

    static io.grpc.ClientInterceptor bearer(String token) {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(m);
    }

    /** Twins the client's watch and phone over REST; returns the twinning id. */
    static String activateRest(String api, String[] d) {
        HttpResponse<String> code = check(send("POST", api + "/acr:auth/twinnings",
                "{\"twinning\":{\"role\":\"Secondary\"}}", d[1]), 201);
        HttpResponse<String> on = check(send("POST", api + "/acr:auth/twinnings",
                "{\"twinning\":{\"role\":\"Primary\",\"activationCode\":{\"code\":\"" + group(CODE, code.body())
                        + "\"}}}", d[3]), 201);
        return group(ID, on.body());
    }

    static String token(String tokenUrl, String device) throws Exception {
        String form = "grant_type=client_credentials&scope=oma_rest_twinning.all_v1&device="
                + URLEncoder.encode(device, StandardCharsets.UTF_8);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(tokenUrl))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        "device-simulator:device-simulator-secret".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        return group(TOKEN, r.body());
    }

    static HttpResponse<String> send(String method, String url, String body, String token) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> check(HttpResponse<String> r, int expected) {
        if (r.statusCode() != expected) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
        }
        return r;
    }

    static String group(Pattern p, String s) {
        Matcher m = p.matcher(s);
        if (!m.find()) {
            throw new IllegalStateException("unexpected answer: " + s);
        }
        return m.group(1);
    }
}
