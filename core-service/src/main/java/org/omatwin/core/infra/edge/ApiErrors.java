package org.omatwin.core.infra.edge;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.proto.twinning.v1.ExceptionDetail;
import org.omatwin.proto.twinning.v1.RequestError;
import org.omatwin.proto.twinning.v1.RequestErrorEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping of a refusal ({@link ApiException}) to what each transport sends: the gRPC status
 * with the {@code RequestError} (and {@code RetryInfo} with a Retry-After) in its details, and, for the REST
 * edges, the contract's JSON body {"requestError": ...}, the HTTP status, WWW-Authenticate and
 * Retry-After. The REST values travel as ASCII trailers of the gRPC status, written here and read by the
 * embedded edge ({@code RestErrors}) and by Envoy's Lua filter ({@code envoy/envoy.yaml}), which turns
 * {@code x-oma-http-status} and {@code x-oma-request-error} into the HTTP status and body.
 */
public final class ApiErrors {
    public static final Metadata.Key<String> REQUEST_ERROR =
            Metadata.Key.of("x-oma-request-error", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> HTTP_STATUS =
            Metadata.Key.of("x-oma-http-status", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> RETRY_AFTER =
            Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> WWW_AUTHENTICATE =
            Metadata.Key.of("www-authenticate", Metadata.ASCII_STRING_MARSHALLER);

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {}

    /** The status for a failure; unexpected ones are logged in full here and shown only as SVC0001. */
    public static StatusRuntimeException toStatus(Throwable failure) {
        ApiException e;
        if (failure instanceof ApiException api) {
            e = api;
        } else if (failure instanceof StatusRuntimeException sre) {
            return sre;
        } else {
            LOG.error("unexpected failure while serving a call", failure);
            e = ApiException.of(ApiError.INTERNAL, "an internal error occurred", "service");
        }
        Status.Code code = codeFor(e.error().httpStatus());
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(code.value())
                .setMessage(e.error().messageId() + ": " + e.text())
                .addDetails(Any.pack(toProto(e)));
        Metadata trailers = new Metadata();
        trailers.put(REQUEST_ERROR, toJson(e));
        trailers.put(HTTP_STATUS, Integer.toString(e.error().httpStatus()));
        if (e.challenge() != null) {
            trailers.put(WWW_AUTHENTICATE, e.challenge());
        }
        if (e.retryAfter() != null) {
            long seconds = retryAfterSeconds(e);
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

    public static RequestError toProto(ApiException e) {
        ExceptionDetail detail = ExceptionDetail.newBuilder()
                .setMessageId(e.error().messageId())
                .setText(e.text())
                .addAllVariables(e.variables())
                .build();
        RequestError.Builder b = RequestError.newBuilder();
        if (e.error().isPolicy()) {
            b.setPolicyException(detail);
        } else {
            b.setServiceException(detail);
        }
        return b.build();
    }

    /**
     * The JSON body, pure ASCII (non-ASCII escaped as \\uXXXX) so that it can also travel as a gRPC
     * ASCII trailer for edges that cannot decode protobuf (the Envoy Lua filter).
     */
    public static String toJson(ApiException e) {
        try {
            String json = ContractJson.print(RequestErrorEnvelope.newBuilder().setRequestError(toProto(e)).build());
            return asciiOnly(json);
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static String asciiOnly(String json) {
        StringBuilder sb = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Retry-After in whole seconds, at least 1. */
    public static long retryAfterSeconds(ApiException e) {
        return Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
    }
}
