package org.omatwin.core.dm.http;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.util.Exceptions;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.omatwin.core.dm.alert.AlertUseCases;
import org.omatwin.core.dm.data.DataItem;
import org.omatwin.core.dm.data.DataUseCases;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.pkg.PackageUseCases;
import org.omatwin.core.dm.session.PackageView;
import org.omatwin.core.dm.session.Session;
import org.omatwin.core.dm.session.SessionUseCases;
import org.omatwin.core.infra.edge.rest.RestErrors;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/**
 * The DM 2.0 device surface {@code /dm/v2} (dm-api.md section 2) as plain HTTP handlers: section 1
 * says why it is not transcoded (200 or 204 for one request, HTML or JSON by {@code Accept}, held long
 * polls). Callers are authenticated by the edge's {@link DeviceAuthentication}; refusals are the same
 * {@code requestError} bodies as everywhere ({@link RestErrors}); database work runs on the blocking
 * executor and a held poll occupies no thread. No cookie is ever read here.
 */
public final class DeviceSurface implements HttpService {
    public static final String PREFIX = "/dm/v2";
    /** The commands media type of DM 2.0 (2.2); application/json is accepted too. */
    public static final MediaType COMMANDS = MediaType.parse("application/vnd.omadm-cmd+json");
    /** A report body is at most 1 MiB (2.2); data uploads too (2.3). */
    static final int MAX_BODY = 1 << 20;
    private static final int MAX_WAIT_SECONDS = 60;

    /**
     * Who the device is: its bearer token (subject = devId, scope oma_dm.device, and the line the
     * network authenticated in its msisdn claim), or the development headers.
     */
    @FunctionalInterface
    public interface DeviceAuthentication {
        AuthenticatedDevice authenticate(RequestHeaders headers, String operation);
    }

    /** The token's device and the line its msisdn claim proves (null: no claim, or not an E.164 line). */
    public record AuthenticatedDevice(DevId devId, Line line) {}

    private final SessionUseCases sessions;
    private final AlertUseCases alerts;
    private final DataUseCases data;
    private final DeviceAuthentication auth;
    private final AccountSurface accounts;
    private final LongPolls polls;
    private final PendingIndex index;
    private final java.util.function.Supplier<String> baseUrl;
    private final Executor database;
    private final PackageUseCases packages;

    /** @param baseUrl the device surface's public base, e.g. https://dm.example/dm/v2 (command URLs point here) */
    public DeviceSurface(SessionUseCases sessions, AlertUseCases alerts, DataUseCases data, DeviceAuthentication auth,
            AccountSurface accounts, LongPolls polls, PendingIndex index, java.util.function.Supplier<String> baseUrl,
            Executor database, PackageUseCases packages) {
        this.packages = packages;
        this.sessions = sessions;
        this.alerts = alerts;
        this.data = data;
        this.auth = auth;
        this.accounts = accounts;
        this.polls = polls;
        this.index = index;
        this.baseUrl = baseUrl;
        this.database = database;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        // Bodies are read up to a little over the limit, so an oversized one gets a clear 413.
        CompletableFuture<HttpResponse> answer = req.aggregate().handle((agg, failure) -> {
            if (failure != null) {
                throw Exceptions.peel(failure) instanceof com.linecorp.armeria.common.ContentTooLargeException
                        ? tooLarge() : ApiException.of(ApiError.INVALID_INPUT, "the request could not be read", "body");
            }
            return agg;
        }).thenCompose(agg -> route(ctx, agg));
        return HttpResponse.of(answer.exceptionally(t -> {
            ApiException e = asApi(t);
            return RestErrors.response(e, e.error() == ApiError.METHOD_NOT_ALLOWED ? allowOf(ctx) : null);
        }));
    }

    private CompletableFuture<HttpResponse> route(ServiceRequestContext ctx, AggregatedHttpRequest req) {
        String path = ctx.path().substring(PREFIX.length());
        List<String> seg = List.of(path.replaceFirst("^/", "").split("/", -1));
        HttpMethod method = req.method();
        if (seg.get(0).equals("devices")) { // the DM account's surface (section 3)
            return accounts.route(ctx, req, seg.subList(1, seg.size()), this::blocking);
        }
        if (seg.equals(List.of("sessions", "pending"))) {
            expect(method, HttpMethod.GET);
            return pending(ctx, req);
        }
        if (seg.equals(List.of("sessions", "completed"))) {
            expect(method, HttpMethod.GET);
            return completed(ctx, req);
        }
        if (seg.equals(List.of("sessions", "next"))) {
            expect(method, HttpMethod.POST);
            return next(ctx, req);
        }
        if (seg.size() == 3 && (seg.get(0).equals("sessions") || seg.get(0).equals("session"))
                && seg.get(1).equals("id") && !seg.get(2).isEmpty()) {
            String id = seg.get(2);
            if (seg.get(0).equals("session")) { // the CR's spelling, for abort only
                expect(method, HttpMethod.DELETE);
            }
            return switch (method.name()) {
                case "POST" -> start(ctx, req, id);
                case "PUT" -> report(ctx, req, id);
                case "DELETE" -> abort(ctx, req, id);
                default -> throw notAllowed(method);
            };
        }
        if (seg.equals(List.of("alert"))) {
            expect(method, HttpMethod.POST);
            return alert(ctx, req);
        }
        if (seg.size() == 2 && seg.get(0).equals("data") && !seg.get(1).isEmpty()) {
            return switch (method.name()) {
                case "GET" -> readData(ctx, req, seg.get(1));
                case "PUT", "POST" -> upload(ctx, req, seg.get(1));
                default -> throw notAllowed(method);
            };
        }
        if (seg.size() == 3 && seg.get(0).equals("packages") && !seg.get(1).isEmpty() && seg.get(2).equals("content")) {
            expect(method, HttpMethod.GET);
            return download(ctx, req, seg.get(1));
        }
        throw ApiException.of(ApiError.NOT_FOUND, "no resource at " + ctx.path(), "path");
    }

    // ---- package downloads (section 8) ----

    /**
     * A package's content for a device with a live command naming it: streamed from the package store
     * (never whole in memory), resumable with {@code Range} (one range; 206), its {@code ETag} the
     * SHA-256 ({@code If-None-Match}: 304; {@code If-Range} naming another: the whole content).
     */
    private CompletableFuture<HttpResponse> download(ServiceRequestContext ctx, AggregatedHttpRequest req,
            String packageId) {
        query(ctx);
        noBody(req);
        DevId devId = auth.authenticate(req.headers(), "GET /packages/content").devId();
        String rangeHeader = req.headers().get(HttpHeaderNames.RANGE);
        return blocking(ctx, () -> {
            PackageUseCases.Download d = packages.download(devId, packageId,
                    rangeHeader == null ? "whole" : rangeHeader);
            long size = d.pkg().metadata().size();
            String etag = "\"" + d.pkg().metadata().sha256() + "\"";
            String ifNoneMatch = req.headers().get(HttpHeaderNames.IF_NONE_MATCH);
            if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.strip().equals("*"))) {
                return HttpResponse.of(ResponseHeaders.builder(HttpStatus.NOT_MODIFIED)
                        .add(HttpHeaderNames.ETAG, etag).build());
            }
            String ifRange = req.headers().get(HttpHeaderNames.IF_RANGE);
            long[] range = rangeHeader == null || (ifRange != null && !ifRange.strip().equals(etag)) ? null
                    : ByteRange.parse(rangeHeader, size);
            if (range != null && range.length == 0) {
                return HttpResponse.of(ResponseHeaders.builder(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                        .add(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size).add(HttpHeaderNames.ETAG, etag).build());
            }
            long start = range == null ? 0 : range[0];
            long length = range == null ? size : range[1] - range[0] + 1;
            com.linecorp.armeria.common.ResponseHeadersBuilder headers = ResponseHeaders.builder(range == null ? HttpStatus.OK
                    : HttpStatus.PARTIAL_CONTENT)
                    .contentType(MediaType.OCTET_STREAM)
                    .add(HttpHeaderNames.ETAG, etag)
                    .add(HttpHeaderNames.ACCEPT_RANGES, "bytes")
                    .add(HttpHeaderNames.CACHE_CONTROL, "private, no-transform")
                    .contentLength(length);
            if (range != null) {
                headers.add(HttpHeaderNames.CONTENT_RANGE, "bytes " + range[0] + "-" + range[1] + "/" + size);
            }
            ctx.setRequestTimeout(Duration.ofHours(2)); // a large package over a slow link
            var body = com.linecorp.armeria.common.stream.StreamMessage.builder(d.file())
                    .executor(ctx.blockingTaskExecutor()).bufferSize(64 * 1024).build().range(start, length);
            return HttpResponse.of(headers.build(), body);
        });
    }

    // ---- sessions ----

    private CompletableFuture<HttpResponse> pending(ServiceRequestContext ctx, AggregatedHttpRequest req) {
        QueryParams query = query(ctx, "wait");
        int wait = intParam(query, "wait", 0, 0, MAX_WAIT_SECONDS);
        noBody(req);
        DevId devId = auth.authenticate(req.headers(), "GET /sessions/pending").devId();
        if (wait == 0) {
            return pendingNow(ctx, devId).thenApply(now -> list(now, null));
        }
        // Held first, read second: a session made pending in between wakes this poll.
        CompletableFuture<Boolean> poll = polls.hold(devId);
        ctx.setRequestTimeout(Duration.ofSeconds(wait + 30));
        ctx.eventLoop().schedule(() -> poll.complete(false), wait, TimeUnit.SECONDS);
        ctx.whenRequestCancelled().thenRun(() -> poll.complete(false));
        return pendingNow(ctx, devId).thenCompose(now -> {
            if (!now.isEmpty()) {
                poll.complete(false);
                return CompletableFuture.completedFuture(list(now, null));
            }
            return poll.thenComposeAsync(woken -> woken
                    ? pendingNow(ctx, devId).thenApply(after -> list(after, null))
                    : CompletableFuture.completedFuture(list(List.of(), null)), ctx.eventLoop());
        });
    }

    /**
     * The device's pending sessions: none, without a database read, when this instance is certain of it
     * ({@link PendingIndex}); otherwise read, and what was read remembered.
     */
    private CompletableFuture<List<Session>> pendingNow(ServiceRequestContext ctx, DevId devId) {
        if (index.knownEmpty(devId)) {
            return CompletableFuture.completedFuture(List.of());
        }
        long version = index.versionBeforeRead(devId);
        return read(ctx, () -> {
            List<Session> now = sessions.pending(devId);
            index.recordRead(devId, version, now.isEmpty());
            return now;
        });
    }

    private CompletableFuture<HttpResponse> completed(ServiceRequestContext ctx, AggregatedHttpRequest req) {
        QueryParams query = query(ctx, "limit", "pageToken");
        int limit = intParam(query, "limit", 50, 1, 500);
        int offset = pageToken(query.get("pageToken"));
        noBody(req);
        DevId devId = auth.authenticate(req.headers(), "GET /sessions/completed").devId();
        return blocking(ctx, () -> {
            List<Session> page = sessions.completed(devId, offset, limit + 1);
            boolean more = page.size() > limit;
            return list(more ? page.subList(0, limit) : page, more ? Integer.toString(offset + limit) : null);
        });
    }

    private CompletableFuture<HttpResponse> next(ServiceRequestContext ctx, AggregatedHttpRequest req) {
        query(ctx);
        var start = DmJson.sessionStart(body(req, true));
        AuthenticatedDevice device = auth.authenticate(req.headers(), "POST /sessions/next");
        DevId devId = device.devId();
        if (wantsHtml(req.headers())) {
            // Web browser initiated (seed 004 x.2.4): the session stays pending and the client is told.
            return blocking(ctx, () -> {
                boolean pending = !sessions.pending(devId).isEmpty();
                if (pending) {
                    polls.wake(devId);
                }
                return html(pending ? "Your device will be contacted to continue."
                        : "There is nothing waiting for your device.");
            });
        }
        return blocking(ctx, () -> packageOr204(req.headers(), sessions.next(devId, device.line(), start)));
    }

    private CompletableFuture<HttpResponse> start(ServiceRequestContext ctx, AggregatedHttpRequest req, String id) {
        query(ctx);
        var start = DmJson.sessionStart(body(req, true));
        AuthenticatedDevice device = auth.authenticate(req.headers(), "POST /sessions/id");
        return blocking(ctx, () -> packageOr204(req.headers(), Optional.of(sessions.start(device.devId(),
                device.line(), id, start))));
    }

    private CompletableFuture<HttpResponse> report(ServiceRequestContext ctx, AggregatedHttpRequest req, String id) {
        query(ctx);
        var report = DmJson.sessionReport(body(req, false));
        DevId devId = auth.authenticate(req.headers(), "PUT /sessions/id").devId();
        return blocking(ctx, () -> packageOr204(req.headers(), sessions.report(devId, id, report)));
    }

    private CompletableFuture<HttpResponse> abort(ServiceRequestContext ctx, AggregatedHttpRequest req, String id) {
        query(ctx);
        noBody(req);
        DevId devId = auth.authenticate(req.headers(), "DELETE /sessions/id").devId();
        return blocking(ctx, () -> {
            sessions.abort(devId, id);
            return HttpResponse.of(HttpStatus.NO_CONTENT);
        });
    }

    // ---- alerts and data ----

    private CompletableFuture<HttpResponse> alert(ServiceRequestContext ctx, AggregatedHttpRequest req) {
        query(ctx);
        var alert = DmJson.alert(body(req, false));
        DevId devId = auth.authenticate(req.headers(), "POST /alert").devId();
        boolean commands = acceptsCommands(req.headers());
        return blocking(ctx, () -> {
            alerts.receive(devId, alert);
            if (commands && !sessions.pending(devId).isEmpty()) {
                Optional<PackageView> first = sessions.next(devId, null);
                if (first.isPresent()) {
                    return packageOr204(req.headers(), first);
                }
            }
            if (wantsHtml(req.headers()) && !sessions.pending(devId).isEmpty()) {
                polls.wake(devId);
            }
            return HttpResponse.of(HttpStatus.ACCEPTED);
        });
    }

    private CompletableFuture<HttpResponse> readData(ServiceRequestContext ctx, AggregatedHttpRequest req, String id) {
        query(ctx);
        noBody(req);
        DevId devId = auth.authenticate(req.headers(), "GET /data").devId();
        return blocking(ctx, () -> {
            DataItem item = data.read(devId, id);
            MediaType type = item.mediaType() == null ? MediaType.OCTET_STREAM : MediaType.parse(item.mediaType());
            return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(type)
                    .add(HttpHeaderNames.CACHE_CONTROL, "no-store").build(), HttpData.wrap(item.content()));
        });
    }

    private CompletableFuture<HttpResponse> upload(ServiceRequestContext ctx, AggregatedHttpRequest req, String id) {
        query(ctx);
        byte[] content = req.content().array();
        if (content.length > MAX_BODY) {
            throw tooLarge();
        }
        MediaType type = req.contentType();
        DevId devId = auth.authenticate(req.headers(), req.method().name() + " /data").devId();
        return blocking(ctx, () -> {
            data.upload(devId, id, type == null ? null : type.toString(), content);
            return HttpResponse.of(HttpStatus.NO_CONTENT);
        });
    }

    // ---- helpers ----

    private HttpResponse packageOr204(RequestHeaders headers, Optional<PackageView> view) {
        if (view.isEmpty()) {
            return HttpResponse.of(HttpStatus.NO_CONTENT);
        }
        return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(responseType(headers)).build(),
                HttpData.wrap(DmJson.session(view.get(), baseUrl.get(), packages::describe)));
    }

    private HttpResponse list(List<Session> sessions, String nextPageToken) {
        return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON_UTF_8).build(),
                HttpData.wrap(DmJson.sessionList(sessions, baseUrl.get(), nextPageToken)));
    }

    private static HttpResponse html(String sentence) {
        String page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Device management</title>"
                + "<meta name=\"viewport\" content=\"width=device-width\"></head><body><p>" + sentence
                + "</p></body></html>";
        return HttpResponse.of(HttpStatus.OK, MediaType.HTML_UTF_8, page);
    }

    /** The commands media type when the client asks for it, else JSON (2: every other request gets JSON). */
    private static MediaType responseType(RequestHeaders headers) {
        return acceptsCommands(headers) ? COMMANDS : MediaType.JSON_UTF_8;
    }

    private static boolean acceptsCommands(RequestHeaders headers) {
        return headers.accept().stream().anyMatch(t -> t.is(COMMANDS) && !t.type().equals("*"));
    }

    /** A web browser: it names text/html and not the commands media type (seed 004 x.2.4). */
    private static boolean wantsHtml(RequestHeaders headers) {
        return !acceptsCommands(headers)
                && headers.accept().stream().anyMatch(t -> "text".equals(t.type()) && "html".equals(t.subtype()));
    }

    /**
     * Database work runs on the surface's own executor, no wider than part of the connection pool: a
     * burst of a fleet's requests queues here instead of timing out on the pool (and the DMWSI and
     * twinning APIs keep connections of their own).
     */
    <T extends HttpResponse> CompletableFuture<HttpResponse> blocking(ServiceRequestContext ctx,
            java.util.function.Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, ctx.makeContextAware(database)).thenApply(r -> (HttpResponse) r);
    }

    private <T> CompletableFuture<T> read(ServiceRequestContext ctx, java.util.function.Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, ctx.makeContextAware(database));
    }

    /** The query, refusing parameters this resource does not define (SVC2005) and repeated ones. */
    static QueryParams query(ServiceRequestContext ctx, String... allowed) {
        QueryParams params = ctx.query() == null ? QueryParams.of() : QueryParams.fromQueryString(ctx.query());
        Set<String> known = Set.of(allowed);
        for (String name : params.names()) {
            if (!known.contains(name)) {
                throw ApiException.of(ApiError.UNKNOWN_ELEMENT, "unknown query parameter '" + name + "'", name);
            }
            if (params.getAll(name).size() > 1) {
                throw ApiException.of(ApiError.INVALID_INPUT, "query parameter '" + name + "' is repeated", name);
            }
        }
        return params;
    }

    private static int intParam(QueryParams query, String name, int fallback, int min, int max) {
        String v = query.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ApiException.of(ApiError.INVALID_INPUT, name + " must be an integer from " + min + " to " + max, name);
    }

    private static int pageToken(String token) {
        if (token == null) {
            return 0;
        }
        try {
            int offset = Integer.parseInt(token);
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ApiException.of(ApiError.INVALID_INPUT, "pageToken is not one this server issued", "pageToken");
    }

    /** A session body: the DM media type or JSON (415 otherwise), at most 1 MiB. */
    static byte[] body(AggregatedHttpRequest req, boolean optional) {
        byte[] content = req.content().array();
        if (content.length > MAX_BODY) {
            throw tooLarge();
        }
        if (content.length == 0 && optional) {
            return content;
        }
        MediaType type = req.contentType();
        if (type == null || !(type.is(COMMANDS) || type.is(MediaType.JSON))) {
            throw ApiException.of(ApiError.UNSUPPORTED_MEDIA_TYPE,
                    "the request body must be application/vnd.omadm-cmd+json or application/json", "Content-Type");
        }
        if (type.charset() != null && !type.charset().equals(StandardCharsets.UTF_8)) {
            throw ApiException.of(ApiError.UNSUPPORTED_MEDIA_TYPE, "the request body must be UTF-8", "Content-Type");
        }
        return content;
    }

    static void noBody(AggregatedHttpRequest req) {
        if (!req.content().isEmpty()) {
            throw ApiException.of(ApiError.UNKNOWN_ELEMENT, "this request takes no body", "body");
        }
    }

    private static ApiException tooLarge() {
        return ApiException.of(ApiError.TOO_LARGE, "the request body is larger than " + MAX_BODY + " bytes", "body");
    }

    static void expect(HttpMethod method, HttpMethod allowed) {
        if (method != allowed) {
            throw notAllowed(method);
        }
    }

    static ApiException notAllowed(HttpMethod method) {
        return ApiException.of(ApiError.METHOD_NOT_ALLOWED, "method " + method + " is not allowed here",
                method.name());
    }

    private static String allowOf(ServiceRequestContext ctx) {
        String path = ctx.path().substring(PREFIX.length());
        if (path.startsWith("/session/id/")) {
            return "DELETE";
        }
        if (path.startsWith("/sessions/id/")) {
            return "DELETE, POST, PUT";
        }
        if (path.startsWith("/data/")) {
            return "GET, POST, PUT";
        }
        if (path.startsWith("/packages/")) {
            return "GET";
        }
        if (path.equals("/devices/new")) {
            return "POST";
        }
        if (path.startsWith("/devices/")) {
            return "DELETE, GET, PUT";
        }
        return path.endsWith("/next") || path.endsWith("/alert") ? "POST" : "GET";
    }

    private static ApiException asApi(Throwable t) {
        Throwable cause = Exceptions.peel(t);
        if (cause instanceof ApiException api) {
            return api;
        }
        org.slf4j.LoggerFactory.getLogger(DeviceSurface.class).error("unexpected failure on the device surface",
                cause);
        return ApiException.of(ApiError.INTERNAL, "an internal error occurred", "service");
    }
}
