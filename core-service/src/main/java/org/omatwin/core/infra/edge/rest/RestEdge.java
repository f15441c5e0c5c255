package org.omatwin.core.infra.edge.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.common.util.Exceptions;
import java.util.concurrent.CompletableFuture;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.edge.ResponseMeta;
import org.omatwin.core.infra.error.ApiError;

/**
 * The REST edge in front of the embedded transcoder, strict like Envoy's: 404/405 (with Allow) from
 * the google.api.http rules, unknown query parameters and body elements refused, bodies limited in
 * size and checked as JSON; on success 201 + Location for creates and 204 for deletes; every error a
 * {@code requestError}.
 */
public final class RestEdge implements DecoratingHttpServiceFunction {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final HttpRules rules;
    private final long maxBodyBytes;

    public RestEdge(HttpRules rules, long maxBodyBytes) {
        this.rules = rules;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        if (!rules.covers(ctx.path())) {
            return delegate.serve(ctx, req);
        }
        try {
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
            checkQuery(ctx, rule);
            if (!rule.hasBody()) {
                return finish(rule, delegate.serve(ctx, req));
            }
            MediaType type = req.contentType();
            if (type == null || !type.is(MediaType.JSON)) {
                throw ApiException.of(ApiError.UNSUPPORTED_MEDIA_TYPE, "the request body must be application/json",
                        "Content-Type");
            }
            CompletableFuture<HttpResponse> future = req.aggregate().handle((agg, failure) -> {
                try {
                    if (failure != null) {
                        throw failure(Exceptions.peel(failure));
                    }
                    checkBody(agg, rule);
                    HttpRequest forwarded = agg.toHttpRequest();
                    ctx.updateRequest(forwarded);
                    return finish(rule, delegate.serve(ctx, forwarded));
                } catch (ApiException e) {
                    return RestErrors.response(e, null);
                } catch (Exception e) {
                    return RestErrors.response(failure(e), null);
                }
            });
            return HttpResponse.of(future);
        } catch (ApiException e) {
            return afterBody(req, e, null);
        }
    }

    /**
     * An early refusal, sent once the request body is consumed (bounded by the size limit): answering
     * while a client is still uploading makes HTTP/2 reset the stream, and the client never sees the
     * requestError.
     */
    private static HttpResponse afterBody(HttpRequest req, ApiException e, String allow) {
        return HttpResponse.of(req.aggregate().handle((ignored, failure) -> RestErrors.response(e, allow)));
    }

    private ApiException failure(Throwable cause) {
        if (cause instanceof ContentTooLargeException) {
            return tooLarge();
        }
        if (cause instanceof ApiException api) {
            return api;
        }
        return ApiException.of(ApiError.INVALID_INPUT, "the request body could not be read", "body");
    }

    private ApiException tooLarge() {
        return ApiException.of(ApiError.TOO_LARGE, "the request body is larger than " + maxBodyBytes + " bytes",
                "body");
    }

    private static void checkQuery(ServiceRequestContext ctx, HttpRules.Rule rule) {
        if (ctx.query() == null || ctx.query().isEmpty()) {
            return;
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
    }

    private void checkBody(AggregatedHttpRequest agg, HttpRules.Rule rule) {
        if (agg.content().length() > maxBodyBytes) {
            throw tooLarge();
        }
        if (agg.content().isEmpty()) {
            throw ApiException.of(ApiError.MISSING_ELEMENT, "the request body is missing", "body");
        }
        JsonNode body;
        try {
            body = JSON.readTree(agg.content().toStringUtf8());
        } catch (JsonProcessingException e) {
            throw ApiException.of(ApiError.INVALID_INPUT, "the request body is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", "body");
        }
        StrictJson.check(body, rule.bodyType(), "*".equals(rule.bodyField()) ? rule.pathFields() : java.util.Set.of());
    }

    /**
     * 204 on deletes; otherwise the status and Location the service gave ({@code ResponseMeta}: 201 on
     * creates), else 200; internal headers are never passed on. Errors pass through (already requestError).
     */
    private static HttpResponse finish(HttpRules.Rule rule, HttpResponse response) {
        return HttpResponse.of(response.aggregate().thenApply(agg -> {
            if (agg.status().codeClass() != com.linecorp.armeria.common.HttpStatusClass.SUCCESS) {
                return RestErrors.ensureRequestError(agg).toHttpResponse();
            }
            if ("DELETE".equals(rule.method())) {
                return HttpResponse.of(HttpStatus.NO_CONTENT);
            }
            String status = agg.headers().get(ResponseMeta.HTTP_STATUS.name());
            ResponseHeadersBuilder headers = ResponseHeaders.builder(status == null ? HttpStatus.OK
                    : HttpStatus.valueOf(Integer.parseInt(status))).contentType(MediaType.JSON_UTF_8);
            String location = agg.headers().get(ResponseMeta.LOCATION.name());
            if (location != null) {
                headers.add(HttpHeaderNames.LOCATION, location);
            }
            return AggregatedHttpResponse.of(headers.build(), agg.content()).toHttpResponse();
        }));
    }
}
