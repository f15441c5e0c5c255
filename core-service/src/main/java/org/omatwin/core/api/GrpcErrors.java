package org.omatwin.core.api;

import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.omatwin.core.error.ApiException;
import org.omatwin.core.error.OmaError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns any failure into a gRPC status carrying the OMA error: the google.rpc.Status details hold the
 * {@code RequestError} (and {@code RetryInfo} for POL2005) for gRPC clients; ASCII trailers carry the
 * rendered JSON body, the HTTP status and Retry-After for the REST edges (Armeria, Envoy).
 */
public final class GrpcErrors {
    public static final Metadata.Key<String> REQUEST_ERROR =
            Metadata.Key.of("x-oma-request-error", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> HTTP_STATUS =
            Metadata.Key.of("x-oma-http-status", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> RETRY_AFTER =
            Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> WWW_AUTHENTICATE =
            Metadata.Key.of("www-authenticate", Metadata.ASCII_STRING_MARSHALLER);

    private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

    private GrpcErrors() {}

    /** The status for a failure; unexpected ones are logged in full here and shown only as SVC0001. */
    public static StatusRuntimeException toStatus(Throwable failure) {
        ApiException e;
        if (failure instanceof ApiException api) {
            e = api;
        } else if (failure instanceof StatusRuntimeException sre) {
            return sre;
        } else {
            LOG.error("unexpected failure while serving a call", failure);
            e = ApiException.of(OmaError.INTERNAL, "an internal error occurred", "service");
        }
        Status.Code code = codeFor(e.error().httpStatus());
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(code.value())
                .setMessage(e.error().messageId() + ": " + e.text())
                .addDetails(Any.pack(RequestErrors.toProto(e)));
        Metadata trailers = new Metadata();
        trailers.put(REQUEST_ERROR, RequestErrors.toJson(e));
        trailers.put(HTTP_STATUS, Integer.toString(e.error().httpStatus()));
        if (e.challenge() != null) {
            trailers.put(WWW_AUTHENTICATE, e.challenge());
        }
        if (e.retryAfter() != null) {
            long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
            status.addDetails(Any.pack(RetryInfo.newBuilder()
                    .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(seconds))
                    .build()));
            trailers.put(RETRY_AFTER, Long.toString(seconds));
        }
        return StatusProto.toStatusRuntimeException(status.build(), trailers);
    }

    /** The standard HTTP-to-gRPC mapping, so HTTP(gRPC(x)) == x at any transcoding edge. */
    static Status.Code codeFor(int httpStatus) {
        return switch (httpStatus) {
            case 400, 413, 415 -> Status.Code.INVALID_ARGUMENT;
            case 401 -> Status.Code.UNAUTHENTICATED;
            case 403 -> Status.Code.PERMISSION_DENIED;
            case 404 -> Status.Code.NOT_FOUND;
            case 405 -> Status.Code.UNIMPLEMENTED;
            case 409 -> Status.Code.ABORTED;
            case 429 -> Status.Code.RESOURCE_EXHAUSTED;
            case 503 -> Status.Code.UNAVAILABLE;
            default -> Status.Code.INTERNAL;
        };
    }
}
