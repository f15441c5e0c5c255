package org.omatwin.dmclient;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A scripted stand-in for the server side of /dm/v2 over real HTTPS: a self-signed EC certificate made with the
 * JDK's keytool, routes answering "METHOD /path" (query included) in the order scripted, every request recorded.
 */
final class TestDmServer implements AutoCloseable {

    /** An answer; {@link #DROP} closes the connection without one (a lost response). */
    record Answer(int status, String contentType, byte[] body) {
        static final Answer DROP = new Answer(-1, null, null);

        static Answer json(int status, String json) {
            return new Answer(status, Wire.MEDIA_TYPE, json.getBytes(StandardCharsets.UTF_8));
        }

        static Answer empty(int status) {
            return new Answer(status, null, new byte[0]);
        }
    }

    record Request(String method, String path, String authorization, String accept, String contentType, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final char[] PASSWORD = "test-only".toCharArray();

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final X509Certificate certificate;
    private final Map<String, List<Function<Request, Answer>>> routes = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    TestDmServer(Path dir) throws Exception {
        Path keystore = keystore();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD);
        }
        certificate = (X509Certificate) ks.getCertificate("dm");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    private static Path keystore;

    /** One certificate per test run: keytool takes a second or two on a busy machine. */
    private static synchronized Path keystore() throws Exception {
        if (keystore != null) {
            return keystore;
        }
        Path dir = Files.createTempDirectory("dm-client-test-tls");
        Path file = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1",
                "-alias", "dm", "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        file.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        keystore = file;
        return file;
    }

    String origin() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    String base() {
        return origin() + "/dm/v2";
    }

    String fingerprint() {
        return TlsTrust.fingerprint(certificate);
    }

    /** The certificate as PEM, for trust-by-file. */
    String certificatePem() throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    /** Queues answers for "METHOD /path"; each request takes the next, the last one repeats. */
    @SafeVarargs
    final TestDmServer on(String route, Function<Request, Answer>... answers) {
        routes.computeIfAbsent(route, r -> new CopyOnWriteArrayList<>()).addAll(List.of(answers));
        return this;
    }

    TestDmServer on(String route, Answer answer) {
        return on(route, r -> answer);
    }

    List<Request> requests(String method, String path) {
        List<Request> found = new ArrayList<>();
        for (Request r : requests) {
            if (r.method().equals(method) && r.path().equals(path)) {
                found.add(r);
            }
        }
        return found;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            Request request = new Request(exchange.getRequestMethod(), path,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Accept"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body);
            requests.add(request);
            List<Function<Request, Answer>> queue = routes.get(request.method() + " " + path);
            Answer answer;
            if (queue == null || queue.isEmpty()) {
                answer = Answer.json(404, "{\"requestError\":{\"serviceException\":{\"messageId\":\"SVC2008\",\"text\":\"not scripted\",\"variables\":[\"" + path + "\"]}}}");
            } else {
                answer = (queue.size() > 1 ? queue.remove(0) : queue.get(0)).apply(request);
            }
            if (answer == Answer.DROP) {
                return; // closing without a status line: the client sees the connection drop
            }
            if (answer.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            }
            boolean noBody = answer.body().length == 0;
            exchange.sendResponseHeaders(answer.status(), noBody ? -1 : answer.body().length);
            if (!noBody) {
                exchange.getResponseBody().write(answer.body());
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
