package org.omatwin.dmclient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device surface of a DM server ({@code /dm/v2}, dm-api.md section 2) over {@link HttpClient}: every call is
 * asynchronous and holds no thread while waiting, so one client (and one HttpClient) can serve many simulated
 * devices. Packages go with {@code Accept} and {@code Content-Type} {@value Wire#MEDIA_TYPE}; every request
 * carries the device's bearer token, fetched again once after a 401.
 *
 * <p>Reports and alerts are resent, byte for byte, when the answer is lost (transport error, 502-504) or the
 * server asks to come back (429/503 with {@code Retry-After}): the server answers an identical report identically
 * and counts an alert with the same {@code alertId} once.
 */
public final class DmClient {

    private static final Logger log = LoggerFactory.getLogger(DmClient.class);

    /** Default base URL of the embedded server's device surface. */
    public static final URI DEFAULT_BASE = URI.create("https://localhost:8443/dm/v2");

    /** How many times a report or alert is sent in all before giving up. */
    static final int SEND_ATTEMPTS = 4;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final long MAX_RETRY_AFTER_SECONDS = 60;
    /** HGET values are small (a configuration item); larger answers are refused as "device full". */
    static final int MAX_ITEM_BYTES = 8 * 1024 * 1024;

    private final URI base;
    private final TokenSource tokens;
    private final HttpClient http;
    private volatile Duration retryBaseDelay = Duration.ofMillis(500);

    public DmClient(URI base, TokenSource tokens, HttpClient http) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.http = Objects.requireNonNull(http, "http");
    }

    /** An HttpClient for devices: HTTP/2 when the server offers it (else 1.1), the given trust, no redirects. */
    public static HttpClient httpClient(TlsTrust trust, Executor executor) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .sslContext(trust.sslContext());
        if (executor != null) {
            b.executor(executor);
        }
        return b.build();
    }

    public URI base() {
        return base;
    }

    public HttpClient http() {
        return http;
    }

    /** Shortens the pause between resends (tests). */
    void retryBaseDelay(Duration delay) {
        this.retryBaseDelay = delay;
    }

    // --- sessions ---

    /** {@code GET /sessions/pending?wait=N}: the pending session, if any, held up to {@code waitSeconds}. */
    public CompletableFuture<List<Wire.SessionInfo>> pending(int waitSeconds) {
        if (waitSeconds < 0 || waitSeconds > 60) {
            throw new IllegalArgumentException("wait is 0-60 seconds");
        }
        Duration timeout = Duration.ofSeconds(waitSeconds).plus(REQUEST_TIMEOUT);
        return call("GET", "/sessions/pending?wait=" + waitSeconds, null, timeout)
                .thenApply(r -> expect(r, "GET /sessions/pending", 200))
                .thenApply(r -> read(r, Wire.SessionListBody.class).sessionList().session());
    }

    /** {@code GET /sessions/completed}: the first page of ended sessions, newest first. */
    public CompletableFuture<List<Wire.SessionInfo>> completed() {
        return call("GET", "/sessions/completed", null, REQUEST_TIMEOUT)
                .thenApply(r -> expect(r, "GET /sessions/completed", 200))
                .thenApply(r -> read(r, Wire.SessionListBody.class).sessionList().session());
    }

    /** {@code POST /sessions/next} (Package#1): the first package, or empty when nothing is pending (204). */
    public CompletableFuture<Optional<Wire.SessionPackage>> startNext(Wire.SessionStart start) {
        return call("POST", "/sessions/next", start == null ? null : json(new Wire.SessionStartBody(start)),
                REQUEST_TIMEOUT)
                .thenApply(r -> optionalSession(expect(r, "POST /sessions/next", 200, 204)));
    }

    /** {@code POST /sessions/id/{id}}: starts that pending session. */
    public CompletableFuture<Wire.SessionPackage> start(String sessionId, Wire.SessionStart start) {
        String path = "/sessions/id/" + segment(sessionId);
        return call("POST", path, start == null ? null : json(new Wire.SessionStartBody(start)), REQUEST_TIMEOUT)
                .thenApply(r -> read(expect(r, "POST " + path, 200), Wire.SessionBody.class).session());
    }

    /**
     * {@code PUT /sessions/id/{id}}: the report of that package; the next package, or empty when the session has
     * ended (204). Resent identically after a lost answer.
     */
    public CompletableFuture<Optional<Wire.SessionPackage>> report(String sessionId, Wire.SessionReport report) {
        String path = "/sessions/id/" + segment(sessionId);
        byte[] body = json(new Wire.SessionReportBody(report));
        return resending("PUT " + path, () -> call("PUT", path, body, REQUEST_TIMEOUT), 1)
                .thenApply(r -> optionalSession(expect(r, "PUT " + path, 200, 204)));
    }

    /** {@code DELETE /sessions/id/{id}}: aborts the started session. */
    public CompletableFuture<Void> abort(String sessionId) {
        String path = "/sessions/id/" + segment(sessionId);
        return call("DELETE", path, null, REQUEST_TIMEOUT).thenAccept(r -> expect(r, "DELETE " + path, 204, 200));
    }

    /**
     * {@code POST /alert}. With {@code acceptCommands}, a pending session's first package may come back (200);
     * else (202) the answer is empty. Resent identically after a lost answer or a 429.
     */
    public CompletableFuture<Optional<Wire.SessionPackage>> alert(Wire.Alert alert, boolean acceptCommands) {
        byte[] body = json(new Wire.AlertBody(alert));
        String accept = acceptCommands ? Wire.MEDIA_TYPE : "application/json";
        return resending("POST /alert", () -> call("POST", "/alert", body, REQUEST_TIMEOUT, accept), 1)
                .thenApply(r -> optionalSession(expect(r, "POST /alert", 200, 202, 204)));
    }

    // --- data repository and packages: URLs named by server commands ---

    /** Bytes fetched for an HGET, with their media type. */
    public record Item(byte[] body, String contentType) {
    }

    /** Fetches an HGET {@code url}; fails with a {@link DmException} carrying the HTTP status. */
    public CompletableFuture<Item> fetch(URI url) {
        return send(() -> request(url, "GET", null, REQUEST_TIMEOUT, "*/*", null), url)
                .thenApply(r -> {
                    expect(r, "GET " + url.getPath(), 200);
                    if (r.body().length > MAX_ITEM_BYTES) {
                        throw new DmException(413, null, "item at " + url.getPath() + " is larger than "
                                + MAX_ITEM_BYTES + " bytes");
                    }
                    return new Item(r.body(), r.headers().firstValue("Content-Type").orElse("application/octet-stream"));
                });
    }

    /** Sends a node's value to an HPUT/HPOST {@code url}. */
    public CompletableFuture<Void> upload(URI url, String method, byte[] body, String contentType) {
        return send(() -> request(url, method, body, REQUEST_TIMEOUT, "*/*", contentType), url)
                .thenAccept(r -> expect(r, method + " " + url.getPath(), 200, 201, 204));
    }

    /** What a package download produced: its size and SHA-256, computed while streaming (nothing kept). */
    public record Download(long size, String sha256) {
    }

    /** How many times a package download is resumed after its connection broke, before giving up. */
    static final int DOWNLOAD_ATTEMPTS = 4;

    /**
     * Downloads a package (firmware, software) and digests it on the fly (nothing kept). A transfer that
     * breaks is resumed where it stopped ({@code Range: bytes=N-} with {@code If-Range} naming the first
     * answer's {@code ETag}): a 206 continues the digest, a 200 (the content changed, or no ranges)
     * starts it again.
     */
    public CompletableFuture<Download> download(URI url, Duration timeout) {
        return downloadFrom(url, timeout, new Progress(), 1);
    }

    /** What a download received so far, across its attempts. */
    private static final class Progress {
        MessageDigest digest = sha256();
        long size;
        String etag;

        void restart() {
            digest = sha256();
            size = 0;
        }
    }

    private CompletableFuture<Download> downloadFrom(URI url, Duration timeout, Progress p, int attempt) {
        long from = p.size;
        Supplier<Unsigned> request = () -> {
            Unsigned u = request(url, "GET", null, timeout, "*/*", null);
            if (from > 0 && p.etag != null) {
                u.builder().header("Range", "bytes=" + from + "-").header("If-Range", p.etag);
            }
            return u;
        };
        HttpResponse.BodyHandler<Void> handler = info -> {
            int status = info.statusCode();
            if (status == 200 || status == 206) {
                if (status == 200 || !info.headers().firstValue("Content-Range").orElse("")
                        .startsWith("bytes " + from + "-")) {
                    p.restart();
                }
                info.headers().firstValue("ETag").ifPresent(tag -> p.etag = tag);
                return HttpResponse.BodySubscribers.ofByteArrayConsumer(chunk -> chunk.ifPresent(bytes -> {
                    p.digest.update(bytes);
                    p.size += bytes.length;
                }));
            }
            return HttpResponse.BodySubscribers.replacing(null);
        };
        return sendWith(request, url, handler).handle((r, e) -> {
            if (e == null) {
                if (r.statusCode() != 200 && r.statusCode() != 206) {
                    throw new DmException(r.statusCode(), null, "GET " + url.getPath() + " answered HTTP "
                            + r.statusCode());
                }
                return CompletableFuture.completedFuture(new Download(p.size, HexFormat.of().formatHex(
                        p.digest.digest())));
            }
            if (attempt >= DOWNLOAD_ATTEMPTS || p.etag == null) {
                return CompletableFuture.<Download>failedFuture(e);
            }
            log.info("download of {} broke after {} bytes ({}); resuming", url.getPath(), p.size,
                    DmException.describe(e));
            return downloadFrom(url, timeout, p, attempt + 1);
        }).thenCompose(f -> f);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** True when {@code url} is on this server (same scheme, host and port): only then is the token sent. */
    boolean sameOrigin(URI url) {
        return base.getScheme().equalsIgnoreCase(url.getScheme())
                && base.getHost() != null && base.getHost().equalsIgnoreCase(url.getHost())
                && port(base) == port(url);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    // --- plumbing ---

    private CompletableFuture<HttpResponse<byte[]>> call(String method, String path, byte[] body, Duration timeout) {
        return call(method, path, body, timeout, Wire.MEDIA_TYPE);
    }

    private CompletableFuture<HttpResponse<byte[]>> call(String method, String path, byte[] body, Duration timeout,
                                                         String accept) {
        URI url = URI.create(base + path);
        return send(() -> request(url, method, body, timeout, accept, body == null ? null : Wire.MEDIA_TYPE), url);
    }

    private record Unsigned(URI url, HttpRequest.Builder builder) {
    }

    private Unsigned request(URI url, String method, byte[] body, Duration timeout, String accept, String contentType) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout).method(method, publisher)
                .header("Accept", accept);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return new Unsigned(url, b);
    }

    private CompletableFuture<HttpResponse<byte[]>> send(Supplier<Unsigned> request, URI url) {
        return sendWith(request, url, HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Sends with the bearer token when {@code url} is on this server (never to another origin); after a 401 the
     * token is fetched again and the request sent once more.
     */
    private <T> CompletableFuture<HttpResponse<T>> sendWith(Supplier<Unsigned> request, URI url,
                                                            HttpResponse.BodyHandler<T> handler) {
        if (!sameOrigin(url)) {
            return http.sendAsync(request.get().builder().build(), handler);
        }
        return signedSend(request, handler).thenCompose(r -> {
            if (r.statusCode() != 401) {
                return CompletableFuture.completedFuture(r);
            }
            tokens.invalidate();
            return signedSend(request, handler);
        });
    }

    private <T> CompletableFuture<HttpResponse<T>> signedSend(Supplier<Unsigned> request,
                                                              HttpResponse.BodyHandler<T> handler) {
        return tokens.token().thenCompose(token -> http.sendAsync(
                request.get().builder().header("Authorization", "Bearer " + token).build(), handler));
    }

    /** Sends again after a transport failure, 429 or 502-504, honouring {@code Retry-After}. */
    private CompletableFuture<HttpResponse<byte[]>> resending(String what,
                                                              Supplier<CompletableFuture<HttpResponse<byte[]>>> attempt,
                                                              int n) {
        return attempt.get().handle((r, e) -> {
            if (n >= SEND_ATTEMPTS) {
                return e == null ? CompletableFuture.completedFuture(r) : CompletableFuture.<HttpResponse<byte[]>>failedFuture(e);
            }
            long delayMillis = retryBaseDelay.toMillis() << (n - 1);
            if (e != null) {
                Throwable cause = DmException.unwrap(e);
                if (!(cause instanceof IOException)) {
                    return CompletableFuture.<HttpResponse<byte[]>>failedFuture(e);
                }
                String kind = cause instanceof HttpTimeoutException ? "timed out" : "lost";
                log.info("{}: answer {} ({}), sending it again in {} ms", what, kind, DmException.describe(cause), delayMillis);
            } else if (r.statusCode() == 429 || r.statusCode() == 502 || r.statusCode() == 503 || r.statusCode() == 504) {
                delayMillis = r.headers().firstValue("Retry-After").flatMap(DmClient::seconds)
                        .map(s -> Math.min(s, MAX_RETRY_AFTER_SECONDS) * 1000).orElse(delayMillis);
                log.info("{}: HTTP {}, sending it again in {} ms", what, r.statusCode(), delayMillis);
            } else {
                return CompletableFuture.completedFuture(r);
            }
            Executor later = CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS);
            return CompletableFuture.supplyAsync(() -> null, later)
                    .thenCompose(x -> resending(what, attempt, n + 1));
        }).thenCompose(f -> f);
    }

    private static Optional<Long> seconds(String retryAfter) {
        try {
            return Optional.of(Math.max(0, Long.parseLong(retryAfter.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty(); // an HTTP date: use our own backoff
        }
    }

    private static HttpResponse<byte[]> expect(HttpResponse<byte[]> r, String what, int... ok) {
        for (int code : ok) {
            if (r.statusCode() == code) {
                return r;
            }
        }
        String messageId = null;
        String text = "";
        try {
            Wire.RequestErrorBody error = Wire.JSON.readValue(r.body(), Wire.RequestErrorBody.class);
            if (error.requestError() != null && error.requestError().exception() != null) {
                Wire.ExceptionBody ex = error.requestError().exception();
                messageId = ex.messageId();
                text = ": " + ex.messageId() + " " + Objects.toString(ex.text(), "")
                        + (ex.variables() == null || ex.variables().isEmpty() ? "" : " " + ex.variables());
            }
        } catch (IOException | RuntimeException e) {
            // not a requestError body: the status alone says it
        }
        return throwing(new DmException(r.statusCode(), messageId, what + " answered HTTP " + r.statusCode() + text));
    }

    private static <T> T throwing(DmException e) {
        throw e;
    }

    private static Optional<Wire.SessionPackage> optionalSession(HttpResponse<byte[]> r) {
        if (r.statusCode() != 200 || r.body().length == 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(read(r, Wire.SessionBody.class).session());
    }

    private static <T> T read(HttpResponse<byte[]> r, Class<T> type) {
        try {
            T value = Wire.JSON.readValue(r.body(), type);
            if (value == null) {
                throw new DmException("empty answer from " + r.request().method() + " " + r.uri().getPath());
            }
            return value;
        } catch (IOException e) {
            throw new DmException("unreadable answer from " + r.request().method() + " " + r.uri().getPath()
                    + ": " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                    : e.getClass().getSimpleName()), e);
        }
    }

    static byte[] json(Object value) {
        try {
            return Wire.JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static String segment(String id) {
        if (id == null || id.isEmpty() || !id.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0))) {
            throw new DmException("bad sessionId from server: " + id);
        }
        return id;
    }
}
