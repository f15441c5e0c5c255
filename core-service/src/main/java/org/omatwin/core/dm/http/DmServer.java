package org.omatwin.core.dm.http;

import com.linecorp.armeria.common.metric.MeterIdPrefixFunction;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.Server;
import org.omatwin.core.infra.edge.rest.RestErrors;
import com.linecorp.armeria.server.metric.MetricCollectingService;
import io.micrometer.core.instrument.MeterRegistry;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.healthcheck.HealthCheckService;
import java.io.File;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener of the device surface (TWIN_DM_HTTPS_PORT): HTTPS with the operator's certificate or
 * the self-signed one of {@link DmTls}; plain HTTP only behind the explicit development switch. Its
 * request timeout is above the longest long poll.
 */
public final class DmServer {
    private static final Logger LOG = LoggerFactory.getLogger(DmServer.class);

    /** How the listener is secured. */
    public sealed interface Transport {
        record Configured(File certificateChain, File privateKey) implements Transport {}

        record SelfSigned(DmTls tls) implements Transport {}

        /** DEVELOPMENT ONLY (TWIN_DM_PLAIN_HTTP=true). */
        record PlainHttp() implements Transport {}
    }

    private DmServer() {}

    /**
     * @param metrics where the listener's request metrics go (Armeria's {@code dm.device.*}: requests by
     *     method, path and status, latency, active requests)
     */
    public static Server start(String bindAddress, int port, Transport transport, DeviceSurface surface,
            MeterRegistry metrics) {
        InetSocketAddress address = new InetSocketAddress(bindAddress, port);
        ServerBuilder b = Server.builder()
                .requestTimeout(Duration.ofSeconds(90))
                // a body over the 1 MiB limit is still read (up to 4 MiB) and refused with a 413 requestError
                .maxRequestLength(4L * DeviceSurface.MAX_BODY)
                .disableServerHeader()
                .serviceUnder(DeviceSurface.PREFIX, surface.decorate(
                        MetricCollectingService.newDecorator(MeterIdPrefixFunction.ofDefault("dm.device"))))
                .meterRegistry(metrics)
                .service("/internal/health", HealthCheckService.of())
                .errorHandler(REQUEST_ERRORS)
                .gracefulShutdownTimeout(Duration.ofSeconds(1), Duration.ofSeconds(5));
        switch (transport) {
            case Transport.Configured c -> b.https(address).tls(c.certificateChain(), c.privateKey());
            case Transport.SelfSigned s -> b.https(address).tls(s.tls().keyManagers());
            case Transport.PlainHttp p -> {
                b.http(address);
                LOG.warn("TWIN_DM_PLAIN_HTTP=true: the device surface is served without TLS; development only");
            }
        }
        Server server = b.build();
        server.start().join();
        return server;
    }

    /**
     * What the framework answers by itself on this port (a path outside {@code /dm/v2}, a body past
     * what is read at all, a protocol error) is a {@code requestError} too: the contract allows no other
     * error body. The device surface renders its own errors.
     */
    private static final ServerErrorHandler REQUEST_ERRORS = new ServerErrorHandler() {
        @Override
        public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
            return null;
        }

        @Override
        public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config,
                RequestHeaders headers, HttpStatus status, String description, Throwable cause) {
            // the same rendering as the REST edge's: every framework-made answer is a requestError
            return RestErrors.aggregated(RestErrors.forStatus(status, null), null);
        }

        @Override
        public AggregatedHttpResponse onProtocolViolation(ServiceConfig config, RequestHeaders headers,
                HttpStatus status, String description, Throwable cause) {
            return renderStatus(null, config, headers, status, description, cause);
        }
    };
}
