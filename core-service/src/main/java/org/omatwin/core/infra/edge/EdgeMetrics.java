package org.omatwin.core.infra.edge;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.omatwin.core.infra.error.ApiError;

/**
 * What an operator's Prometheus scrapes of the edge, for every API alike (REST through the embedded
 * edge and gRPC run the same interceptors): requests by API, method and HTTP status class with their
 * latency histogram ({@code edge_requests_seconds}), requests refused by authorization
 * ({@code edge_refused_total}), and requests in flight ({@code edge_in_flight}). Outermost in each
 * chain, so it sees the status the error mapping rendered.
 */
public final class EdgeMetrics implements ServerInterceptor {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> refusals = new ConcurrentHashMap<>();

    public EdgeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts a refusal of the authenticator of {@code api} (401 or 403 before the RPC ran). */
    public void refused(String api, ApiError error) {
        refusals.computeIfAbsent(api + "|" + error.httpStatus(), k -> Counter.builder("edge.refused")
                .description("requests refused by authorization at the edge")
                .tag("api", api).tag("status", Integer.toString(error.httpStatus()))
                .register(registry)).increment();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String api = call.getMethodDescriptor().getServiceName();
        String method = call.getMethodDescriptor().getBareMethodName();
        AtomicInteger flying = inFlight(api);
        flying.incrementAndGet();
        long start = System.nanoTime();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.function.Consumer<String> finish = statusClass -> {
            if (done.compareAndSet(false, true)) {
                flying.decrementAndGet();
                timer(api, method, statusClass).record(System.nanoTime() - start,
                        java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        };
        ServerCall<Q, R> measured = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                finish.accept(statusClass(status, trailers));
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(measured, headers);
        } catch (RuntimeException e) {
            finish.accept("5xx"); // the error interceptor outside renders it; counted as failed here
            throw e;
        }
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                // a client that went away gets no close: it is no longer in flight
                finish.accept("cancelled");
                super.onCancel();
            }
        };
    }

    private AtomicInteger inFlight(String api) {
        return inFlight.computeIfAbsent(api, a -> {
            AtomicInteger n = new AtomicInteger();
            registry.gauge("edge.in.flight", java.util.List.of(io.micrometer.core.instrument.Tag.of("api", a)), n);
            return n;
        });
    }

    private Timer timer(String api, String method, String status) {
        return timers.computeIfAbsent(api + "|" + method + "|" + status, k -> Timer.builder("edge.requests")
                .description("requests served at the edge, by API, method and HTTP status class")
                .tag("api", api).tag("method", method).tag("status", status)
                .publishPercentileHistogram()
                .register(registry));
    }

    /** 2xx for OK; else the class of the HTTP status the error mapping chose (x-oma-http-status). */
    private static String statusClass(Status status, Metadata trailers) {
        if (status.isOk()) {
            return "2xx";
        }
        String http = trailers == null ? null : trailers.get(ApiErrors.HTTP_STATUS);
        if (http != null && http.length() == 3) {
            return http.charAt(0) + "xx";
        }
        return status.getCode() == Status.Code.CANCELLED ? "cancelled" : "5xx";
    }
}
