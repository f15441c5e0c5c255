package org.omatwin.core.infra.edge.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.common.util.Exceptions;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.PrototypeMarshaller;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/**
 * The REST edge, strict like Envoy's transcoder: 404/405 (with Allow) from the google.api.http rules,
 * unknown query parameters and body elements refused, bodies limited in size and checked as JSON; then
 * the request is built as its gRPC method's message (path variables, query parameters, body) and run as
 * a call of that method in this process ({@link LocalCall}), through the same interceptor chain as
 * over gRPC, on the blocking executor (the service blocks on PostgreSQL: never on the event loops). On
 * success 201 + Location for creates and 204 for deletes; every error a {@code requestError}.
 */
public final class RestEdge implements HttpService {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private final HttpRules rules;
    private final long maxBodyBytes;
    private final Map<String, ServerMethodDefinition<?, ?>> methods = new HashMap<>();
    private final Map<String, Rendering> renderings = new HashMap<>();

    /** @param services each with its API's interceptor chain, the same as on the gRPC server */
    public RestEdge(HttpRules rules, long maxBodyBytes, List<ServerServiceDefinition> services) {
        this(rules, maxBodyBytes, services, List.of());
    }

    /** @param renderings other representations of some methods' answers, chosen by Accept */
    public RestEdge(HttpRules rules, long maxBodyBytes, List<ServerServiceDefinition> services,
            List<Rendering> renderings) {
        this.rules = rules;
        this.maxBodyBytes = maxBodyBytes;
        renderings.forEach(r -> this.renderings.put(r.grpcMethod(), r));
        services.forEach(s -> s.getMethods().forEach(m -> methods.put(m.getMethodDescriptor().getFullMethodName(), m)));
        for (HttpRules.Rule r : rules.rules()) {
            if (!methods.containsKey(r.grpcMethod())) {
                throw new IllegalArgumentException("no service for the rule of " + r.grpcMethod());
            }
        }
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
        try {
            refuseMatrixParameters(ctx.rawPath());
            HttpRules.Match match = rules.match(req.method().name(), ctx.path());
            if (match instanceof HttpRules.WrongMethod wrong) {
                String allow = String.join(", ", wrong.allowed());
                return afterBody(req, ApiException.of(ApiError.METHOD_NOT_ALLOWED,
                        "method " + req.method() + " is not allowed here; allowed: " + allow, req.method().name()),
                        allow);
            }
            if (!(match instanceof HttpRules.Found found)) {
                throw ApiException.of(ApiError.NOT_FOUND, "no resource at " + ctx.path(), "path");
            }
            HttpRules.Rule rule = found.rule();
            long limit = limit(rule);
            QueryParams query = checkQuery(ctx, rule);
            MediaType type = req.contentType();
            if (rule.hasBody() && (type == null || !type.is(MediaType.JSON))) {
                throw ApiException.of(ApiError.UNSUPPORTED_MEDIA_TYPE, "the request body must be application/json",
                        "Content-Type");
            }
            // The body is read (bounded) even where the rule takes none: answering while a client is still
            // uploading makes HTTP/2 reset the stream.
            CompletableFuture<HttpResponse> future = req.aggregate().handle((agg, failure) -> {
                try {
                    if (failure != null) {
                        throw failure(Exceptions.peel(failure), limit);
                    }
                    String body = null;
                    if (rule.hasBody()) {
                        body = checkBody(agg.content().toStringUtf8(), agg.content().length(), rule);
                    }
                    return call(ctx, req, found, query, body);
                } catch (ApiException e) {
                    return RestErrors.response(e, null);
                } catch (Exception e) {
                    return RestErrors.response(failure(e, limit), null);
                }
            });
            return HttpResponse.of(future);
        } catch (ApiException e) {
            return afterBody(req, e, null);
        }
    }

    /** Builds the method's request message and runs the call on the blocking executor. */
    @SuppressWarnings("unchecked")
    private HttpResponse call(ServiceRequestContext ctx, HttpRequest req, HttpRules.Found found, QueryParams query,
            String body) {
        HttpRules.Rule rule = found.rule();
        ServerMethodDefinition<Message, Message> method =
                (ServerMethodDefinition<Message, Message>) methods.get(rule.grpcMethod());
        Message request = RestRequests.build(rule, found.segments(), query, body, PARSER,
                ((PrototypeMarshaller<Message>) method.getMethodDescriptor().getRequestMarshaller())
                        .getMessagePrototype());
        Attributes attributes = Attributes.newBuilder()
                .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, ctx.remoteAddress())
                .set(Grpc.TRANSPORT_ATTR_LOCAL_ADDR, ctx.localAddress())
                .build();
        LocalCall<Message, Message> call = new LocalCall<>(method.getMethodDescriptor(), attributes,
                "DELETE".equals(rule.method()), negotiated(req, rule.grpcMethod()), ctx.path(), query);
        Metadata headers = RestRequests.metadata(req.headers());
        ctx.blockingTaskExecutor().execute(() -> call.run(method.getServerCallHandler(), headers, request));
        ctx.whenRequestCancelled().thenRunAsync(call::cancel, ctx.blockingTaskExecutor());
        return HttpResponse.of(call.response());
    }

    /**
     * The other representation the request prefers to JSON, if the method has one: the first of the
     * Accept header's types (in order of preference) that is either JSON or that representation.
     */
    private Rendering negotiated(HttpRequest req, String grpcMethod) {
        Rendering other = renderings.get(grpcMethod);
        if (other == null) {
            return null;
        }
        for (MediaType accepted : req.headers().accept()) {
            if ("*".equals(accepted.type())) {
                return null; // anything will do: the contract's JSON
            }
            if (other.mediaType().belongsTo(accepted)) {
                return other;
            }
            if (MediaType.JSON.belongsTo(accepted)) {
                return null;
            }
        }
        return null;
    }

    /**
     * An early refusal, sent once the request body is consumed (bounded by the size limit): answering
     * while a client is still uploading makes HTTP/2 reset the stream, and the client never sees the
     * requestError.
     */
    private static HttpResponse afterBody(HttpRequest req, ApiException e, String allow) {
        return HttpResponse.of(req.aggregate().handle((ignored, failure) -> RestErrors.response(e, allow)));
    }

    private static ApiException failure(Throwable cause, long limit) {
        if (cause instanceof ContentTooLargeException) {
            return tooLarge(limit);
        }
        if (cause instanceof ApiException api) {
            return api;
        }
        return ApiException.of(ApiError.INVALID_INPUT, "the request body could not be read", "body");
    }

    private static ApiException tooLarge(long limit) {
        return ApiException.of(ApiError.TOO_LARGE, "the request body is larger than " + limit + " bytes", "body");
    }

    /**
     * The framework drops {@code ;name=value} path parameters before routing (ctx.path()); the contract
     * has none, so they are refused rather than silently ignored. A ';' that belongs to a value (a sip:
     * URI's parameters) is sent percent-encoded, as %3B.
     */
    private static void refuseMatrixParameters(String rawPath) {
        int query = rawPath.indexOf('?');
        if ((query < 0 ? rawPath : rawPath.substring(0, query)).indexOf(';') >= 0) {
            throw ApiException.of(ApiError.INVALID_INPUT, "path parameters (';') are not accepted; a ';' in a value "
                    + "must be percent-encoded (%3B)", "path");
        }
    }

    private static QueryParams checkQuery(ServiceRequestContext ctx, HttpRules.Rule rule) {
        if (ctx.query() == null || ctx.query().isEmpty()) {
            return QueryParams.of();
        }
        QueryParams params = QueryParams.fromQueryString(ctx.query());
        for (String name : params.names()) {
            if (!rule.queryParams().contains(name)) {
                throw ApiException.of(ApiError.UNKNOWN_ELEMENT, "unknown query parameter '" + name + "'", name);
            }
            if (params.getAll(name).size() > 1) {
                throw ApiException.of(ApiError.INVALID_INPUT, "query parameter '" + name + "' is repeated", name);
            }
        }
        return params;
    }

    /** The largest body the rule's RPC takes: its own declared limit when larger than the edge's. */
    private long limit(HttpRules.Rule rule) {
        return Math.max(maxBodyBytes, rule.maxBodyBytes());
    }

    /** The body as the method's message will read it: {@code text}, or printed again if a check changed it. */
    private String checkBody(String text, int length, HttpRules.Rule rule) {
        if (length > limit(rule)) {
            throw tooLarge(limit(rule));
        }
        if (length == 0) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "the request body is missing", "body");
        }
        JsonNode body;
        try {
            body = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiException.of(ApiError.INVALID_INPUT, "the request body is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", "body");
        }
        boolean changed = StrictJson.check(body, rule.bodyType(),
                "*".equals(rule.bodyField()) ? rule.pathFields() : java.util.Set.of());
        return changed ? body.toString() : text;
    }
}
