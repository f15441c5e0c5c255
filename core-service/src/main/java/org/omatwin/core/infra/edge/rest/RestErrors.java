package org.omatwin.core.infra.edge.rest;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.HttpStatusException;
import io.grpc.Status;
import org.slf4j.LoggerFactory;
import org.omatwin.core.infra.edge.ApiErrors;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/**
 * Renders every REST error as the contract's {@code requestError}: errors of the gRPC service (from
 * the trailers it attaches), errors of the edge itself, and whatever the HTTP framework would otherwise
 * render on its own (so no error body ever carries a stack trace or a gRPC status name).
 */
public final class RestErrors {
    /** RFC 6750 challenge sent with every 401. */
    static final String BEARER_CHALLENGE = "Bearer realm=\"twinning\"";
    private RestErrors() {}

    public static HttpResponse response(ApiException e, String allow) {
        return aggregated(e, allow).toHttpResponse();
    }

    public static AggregatedHttpResponse aggregated(ApiException e, String allow) {
        ResponseHeadersBuilder h = ResponseHeaders.builder(e.error().httpStatus()).contentType(MediaType.JSON_UTF_8);
        if (allow != null) {
            h.add(HttpHeaderNames.ALLOW, allow);
        }
        if (e.challenge() != null) {
            h.add(HttpHeaderNames.WWW_AUTHENTICATE, e.challenge());
        } else if (e.error().httpStatus() == 401) {
            h.add(HttpHeaderNames.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        }
        if (e.retryAfter() != null) {
            h.add(HttpHeaderNames.RETRY_AFTER, Long.toString(ApiErrors.retryAfterSeconds(e)));
        }
        return AggregatedHttpResponse.of(h.build(), com.linecorp.armeria.common.HttpData.ofUtf8(ApiErrors.toJson(e)));
    }

    /**
     * A gRPC error of the service: the error mapping ({@code ApiErrors}) already rendered the body, the
     * HTTP status and the headers into the trailers, read here by name.
     */
    static HttpResponse fromGrpc(Status status, java.util.function.Function<String, String> trailer) {
        String body = trailer.apply(ApiErrors.REQUEST_ERROR.name());
        String http = trailer.apply(ApiErrors.HTTP_STATUS.name());
        if (body == null || http == null) {
            return response(forStatus(HttpStatus.valueOf(httpFor(status.getCode())), null), null);
        }
        ResponseHeadersBuilder h = ResponseHeaders.builder(Integer.parseInt(http)).contentType(MediaType.JSON_UTF_8);
        String challenge = trailer.apply(ApiErrors.WWW_AUTHENTICATE.name());
        if (challenge != null) {
            h.add(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
        } else if ("401".equals(http)) {
            h.add(HttpHeaderNames.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        }
        String retryAfter = trailer.apply(ApiErrors.RETRY_AFTER.name());
        if (retryAfter != null) {
            h.add(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        return HttpResponse.of(h.build(), com.linecorp.armeria.common.HttpData.ofUtf8(body));
    }

    public static ApiException forStatus(HttpStatus status, String detail) {
        String text = detail == null ? status.reasonPhrase() : detail;
        return switch (status.code()) {
            case 404 -> ApiException.of(ApiError.NOT_FOUND, "no such resource", "path");
            case 405 -> ApiException.of(ApiError.METHOD_NOT_ALLOWED, "method not allowed", "method");
            case 413 -> ApiException.of(ApiError.TOO_LARGE, "the request is too large", "body");
            case 415 -> ApiException.of(ApiError.UNSUPPORTED_MEDIA_TYPE, "the request body must be application/json",
                    "Content-Type");
            case 401 -> ApiException.of(ApiError.UNAUTHENTICATED, "authentication failed", "Authorization");
            case 403 -> ApiException.of(ApiError.NOT_PERMITTED, "not authorized", "path");
            case 503 -> ApiException.of(ApiError.UNAVAILABLE, "the service is temporarily unavailable", "service");
            default -> status.code() >= 500
                    ? ApiException.of(ApiError.INTERNAL, "an internal error occurred", "service")
                    : ApiException.of(ApiError.INVALID_INPUT, "bad request: " + text.toLowerCase(java.util.Locale.ROOT),
                            "request");
        };
    }

    private static int httpFor(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ABORTED, ALREADY_EXISTS -> 409;
            case RESOURCE_EXHAUSTED -> 429;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            default -> 500;
        };
    }

    /** What the framework renders by itself (unknown routes, oversized bodies, protocol errors). */
    static ServerErrorHandler server(HttpRules rules) {
        return new ServerErrorHandler() {
        @Override
        public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
            if (!rules.covers(ctx.path())) {
                return null;
            }
            if (cause instanceof ApiException api) {
                return response(api, null);
            }
            if (cause instanceof HttpStatusException hse) {
                return response(forStatus(hse.httpStatus(), null), null);
            }
            if (cause instanceof IllegalArgumentException) {
                return response(ApiException.of(ApiError.INVALID_INPUT, "the request could not be read", "request"), null);
            }
            LoggerFactory.getLogger(RestErrors.class).error("unexpected failure at the REST edge", cause);
            return response(forStatus(HttpStatus.INTERNAL_SERVER_ERROR, null), null);
        }

        @Override
        public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config,
                RequestHeaders headers, HttpStatus status, String description, Throwable cause) {
            // Requests the framework refuses before routing (bad encodings in the path) may come
            // without headers: those are for the device API too, never for /internal.
            if (headers != null && !rules.covers(headers.path())) {
                return null;
            }
            return aggregated(forStatus(status, null), null);
        }

        @Override
        public AggregatedHttpResponse onProtocolViolation(ServiceConfig config, RequestHeaders headers,
                HttpStatus status, String description, Throwable cause) {
            return renderStatus(null, config, headers, status, description, cause);
        }
    };
    }
}
