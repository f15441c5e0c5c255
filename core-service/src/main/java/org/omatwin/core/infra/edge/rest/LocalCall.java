package org.omatwin.core.infra.edge.rest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import org.omatwin.core.infra.edge.ContractJson;
import org.omatwin.core.infra.edge.ResponseMeta;
import org.slf4j.LoggerFactory;

/**
 * One REST request run as a unary call of its gRPC method inside the process: through the method's
 * handler, so the API's interceptor chain (metrics, errors, authentication, scopes, path user) and the
 * service run exactly as for a gRPC client, but with no serialization, framing or HTTP/2 in between.
 * The response message is printed once as the contract's JSON; an error becomes the requestError the
 * error mapping put in the trailers. The handler's callbacks are serialized on this object.
 */
final class LocalCall<Q, R> extends ServerCall<Q, R> {
    private final MethodDescriptor<Q, R> method;
    private final Attributes attributes;
    private final boolean delete;
    private final Rendering rendering;
    private final String path;
    private final QueryParams query;
    private final CompletableFuture<HttpResponse> response = new CompletableFuture<>();
    private Metadata headers = new Metadata();
    private R message;
    private Listener<Q> listener;
    private volatile boolean cancelled;
    private boolean closed;

    LocalCall(MethodDescriptor<Q, R> method, Attributes attributes, boolean delete) {
        this(method, attributes, delete, null, null, null);
    }

    /**
     * @param rendering the representation the request asked for instead of JSON, or null
     * @param path the request's path and query, for the next page's Link of such a representation
     */
    LocalCall(MethodDescriptor<Q, R> method, Attributes attributes, boolean delete, Rendering rendering, String path,
            QueryParams query) {
        this.method = method;
        this.attributes = attributes;
        this.delete = delete;
        this.rendering = rendering;
        this.path = path;
        this.query = query;
    }

    /** The HTTP response, complete once the call is closed. */
    CompletableFuture<HttpResponse> response() {
        return response;
    }

    /** Starts the call and hands it its one request (on a thread that may block). */
    synchronized void run(ServerCallHandler<Q, R> handler, Metadata requestHeaders, Q request) {
        if (cancelled) {
            return;
        }
        try {
            listener = handler.startCall(this, requestHeaders);
            listener.onReady();
            listener.onMessage(request);
            listener.onHalfClose();
        } catch (RuntimeException e) {
            // the error interceptor renders refusals; anything past it is an internal failure
            LoggerFactory.getLogger(LocalCall.class).error("unexpected failure of {}", method.getFullMethodName(), e);
            if (!closed) {
                close(Status.INTERNAL, new Metadata());
            }
        }
    }

    /** The client went away (or the request timed out): the handler is told, as over gRPC. */
    synchronized void cancel() {
        cancelled = true;
        if (listener != null && !closed) {
            closed = true;
            listener.onCancel();
        }
    }

    @Override
    public void request(int numMessages) {
        // the one request message is handed over by run()
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
        this.headers = headers;
    }

    @Override
    public synchronized void sendMessage(R message) {
        this.message = message;
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
        if (closed) {
            return;
        }
        closed = true;
        HttpResponse http;
        try {
            http = status.isOk() ? success() : RestErrors.fromGrpc(status, name -> {
                String v = trailers.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
                return v != null ? v : headers.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
            });
        } catch (RuntimeException | InvalidProtocolBufferException e) {
            LoggerFactory.getLogger(LocalCall.class).error("could not render the answer of {}",
                    method.getFullMethodName(), e);
            http = RestErrors.response(RestErrors.forStatus(HttpStatus.INTERNAL_SERVER_ERROR, null), null);
        }
        if (listener != null) {
            listener.onComplete();
        }
        response.complete(http);
    }

    /**
     * 204 on deletes; otherwise the status and Location the service gave ({@code ResponseMeta}: 201 on
     * creates), else 200; internal headers are never passed on.
     */
    private HttpResponse success() throws InvalidProtocolBufferException {
        if (delete) {
            return HttpResponse.of(HttpStatus.NO_CONTENT);
        }
        if (message == null) {
            throw new IllegalStateException("the call ended without a response");
        }
        String status = headers.get(ResponseMeta.HTTP_STATUS);
        ResponseHeadersBuilder h = ResponseHeaders.builder(status == null ? HttpStatus.OK
                : HttpStatus.valueOf(Integer.parseInt(status))).contentType(MediaType.JSON_UTF_8);
        String location = headers.get(ResponseMeta.LOCATION);
        if (location != null) {
            h.add(HttpHeaderNames.LOCATION, location);
        }
        if (rendering != null) {
            Message answer = (Message) message;
            h.contentType(rendering.mediaType());
            String next = rendering.nextPageToken().apply(answer);
            if (next != null) {
                h.add(HttpHeaderNames.LINK, "<" + path + "?" + query.toBuilder().set("pageToken", next).build()
                        .toQueryString() + ">; rel=\"next\"");
            }
            return HttpResponse.of(h.build(), HttpData.ofUtf8(rendering.body().apply(answer)));
        }
        return HttpResponse.of(h.build(), HttpData.ofUtf8(ContractJson.print((MessageOrBuilder) message)));
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public Attributes getAttributes() {
        return attributes;
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
        return method;
    }
}
