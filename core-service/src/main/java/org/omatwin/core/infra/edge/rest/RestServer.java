package org.omatwin.core.infra.edge.rest;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.healthcheck.HealthCheckService;
import io.grpc.ServerServiceDefinition;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;

/**
 * The embedded REST edge: Armeria serving the google.api.http rules of gRPC services in-process
 * ({@link RestEdge}: each request runs as a call of its gRPC method, through the same interceptors).
 * Production runs Envoy with the same rules (envoy/envoy.yaml).
 */
public final class RestServer {
    private RestServer() {}

    /**
     * @param services each with its API's interceptor chain, the same as on the gRPC server
     */
    public static Server build(String bindAddress, int port, long maxBodyBytes, List<ServerServiceDefinition> services,
            PrometheusMeterRegistry metrics) {
        return build(bindAddress, port, maxBodyBytes, services, List.of(), metrics);
    }

    /** @param renderings answers in other media types than JSON, chosen by Accept */
    public static Server build(String bindAddress, int port, long maxBodyBytes, List<ServerServiceDefinition> services,
            List<Rendering> renderings, PrometheusMeterRegistry metrics) {
        return build(bindAddress, port, maxBodyBytes, services, renderings, List.of(), metrics);
    }

    /** @param raw paths under an API root served by plain HTTP handlers (they take precedence over the rules) */
    public static Server build(String bindAddress, int port, long maxBodyBytes, List<ServerServiceDefinition> services,
            List<Rendering> renderings, List<RawRoute> raw, PrometheusMeterRegistry metrics) {
        HttpRules rules = HttpRules.of(services.stream().map(s -> ((ProtoServiceDescriptorSupplier) s
                .getServiceDescriptor().getSchemaDescriptor()).getServiceDescriptor()).toList());
        RestEdge edge = new RestEdge(rules, maxBodyBytes, services, renderings);
        ServerBuilder server = Server.builder()
                .http(new InetSocketAddress(bindAddress, port))
                // Bodies up to 4x the limit are read and refused with a 413 requestError by RestEdge;
                // only larger ones are cut off by the framework (HTTP/2 reset, HTTP/1 close).
                .maxRequestLength(maxBodyBytes * 4)
                .requestTimeout(Duration.ofSeconds(30))
                .disableServerHeader()
                .service("/internal/health", HealthCheckService.of())
                // Prometheus text format; /internal/* is never routed by the production edge.
                .service("/internal/metrics", (ctx, req) -> HttpResponse.of(HttpStatus.OK,
                        MediaType.parse("text/plain; version=0.0.4; charset=utf-8"), metrics.scrape()))
                .errorHandler(RestErrors.server(rules))
                .gracefulShutdownTimeout(Duration.ofSeconds(1), Duration.ofSeconds(10));
        raw.forEach(r -> server.route().path(r.path()).maxRequestLength(r.maxRequestLength())
                .requestTimeout(r.requestTimeout()).build(r.service()));
        // every request under an API root is the edge's, known or not (404/405 in the contract's terms)
        rules.roots().forEach(root -> server.serviceUnder(root, edge));
        // an RPC that declares a larger body (oma.edge.v1.max_request_bytes) gets its own binding with that
        // limit: the framework refuses a too-long body by its Content-Length before the edge is reached
        for (HttpRules.Rule rule : rules.rules()) {
            if (rule.maxBodyBytes() > maxBodyBytes) {
                server.route().path(rule.template()).methods(com.linecorp.armeria.common.HttpMethod.valueOf(
                        rule.method())).maxRequestLength(rule.maxBodyBytes() + rule.maxBodyBytes() / 4).build(edge);
            }
        }
        return server.build();
    }
}
