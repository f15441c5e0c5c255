package org.omatwin.core.infra.edge.rest;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.HttpJsonTranscodingOptions;
import com.linecorp.armeria.server.grpc.HttpJsonTranscodingQueryParamMatchRule;
import com.linecorp.armeria.server.healthcheck.HealthCheckService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import io.grpc.ServerServiceDefinition;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;

/**
 * The embedded REST edge: Armeria serving the google.api.http rules of a gRPC service in-process,
 * behind {@link RestEdge}. Production runs Envoy with the same rules (envoy/envoy.yaml).
 */
public final class RestServer {
    private RestServer() {}

    /**
     * @param services each with its API's interceptor chain, the same as on the gRPC server
     */
    public static Server build(String bindAddress, int port, long maxBodyBytes, List<ServerServiceDefinition> services,
            PrometheusMeterRegistry metrics) {
        HttpRules rules = HttpRules.of(services.stream().map(s -> ((ProtoServiceDescriptorSupplier) s
                .getServiceDescriptor().getSchemaDescriptor()).getServiceDescriptor()).toList());
        GrpcServiceBuilder builder = GrpcService.builder();
        services.forEach(builder::addService);
        GrpcService grpc = builder
                // The service blocks on PostgreSQL: never on the event loops, which must keep answering
                // (a database outage would otherwise stall every connection of that loop).
                .useBlockingTaskExecutor(true)
                .enableHttpJsonTranscoding(HttpJsonTranscodingOptions.builder()
                        .errorHandler(RestErrors.FROM_GRPC)
                        // ?otherDeviceAddress= as in the contract, and the proto name as Envoy accepts it
                        .queryParamMatchRules(HttpJsonTranscodingQueryParamMatchRule.LOWER_CAMEL_CASE,
                                HttpJsonTranscodingQueryParamMatchRule.JSON_NAME,
                                HttpJsonTranscodingQueryParamMatchRule.ORIGINAL_FIELD)
                        .build())
                .jsonMarshallerFactory(descriptor -> new JsonFormatMarshaller())
                .build();
        return Server.builder()
                .http(new InetSocketAddress(bindAddress, port))
                // Bodies up to 4x the limit are read and refused with a 413 requestError by RestEdge;
                // only larger ones are cut off by the framework (HTTP/2 reset, HTTP/1 close).
                .maxRequestLength(maxBodyBytes * 4)
                .requestTimeout(Duration.ofSeconds(30))
                .disableServerHeader()
                .service(grpc)
                .service("/internal/health", HealthCheckService.of())
                // Prometheus text format; /internal/* is never routed by the production edge.
                .service("/internal/metrics", (ctx, req) -> HttpResponse.of(HttpStatus.OK,
                        MediaType.parse("text/plain; version=0.0.4; charset=utf-8"), metrics.scrape()))
                .decorator(new RestEdge(rules, maxBodyBytes))
                .errorHandler(RestErrors.server(rules))
                .gracefulShutdownTimeout(Duration.ofSeconds(1), Duration.ofSeconds(10))
                .build();
    }
}
