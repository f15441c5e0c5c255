package org.omatwin.core.twinning.peering;

import io.grpc.ServerServiceDefinition;
import java.util.List;
import org.omatwin.core.infra.edge.auth.AccessRules;
import org.omatwin.proto.peering.v1.PeeringProto;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.omatwin.core.infra.edge.ErrorInterceptor;
import org.omatwin.core.twinning.peering.PeeringConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener for partner MNOs (TWIN_PEER_PORT): TLS 1.3 only, a client certificate required and
 * verified against the partners' trust anchors; only {@code MnoPeeringService} is served on it.
 */
public final class PeeringServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeeringServer.class);

    private final Server server;

    private PeeringServer(Server server) {
        this.server = server;
    }

    /**
     * @param partners the peering service, with the chain of every API ({@code ErrorInterceptor}) inside the
     *     partner authentication, which stays outermost so that its audit line records the final status
     */
    public static PeeringServer start(PeeringConfig config, PartnerDirectory directory, ServerServiceDefinition partners)
            throws IOException {
        SslContext tls = GrpcSslContexts.forServer(config.certificateChain().toFile(), config.privateKey().toFile())
                .trustManager(directory.allAnchors())
                .clientAuth(ClientAuth.REQUIRE)
                .protocols("TLSv1.3")
                .build();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(config.bindAddress(), config.port()))
                .sslContext(tls)
                .addService(ServerInterceptors.intercept(partners, new PartnerAuthInterceptor(directory,
                        AccessRules.of(List.of(PeeringProto.getDescriptor().findServiceByName("MnoPeeringService"))))))
                .maxInboundMessageSize(64 * 1024)
                .handshakeTimeout(10, TimeUnit.SECONDS)
                .build()
                .start();
        LOG.info("peering listener on {}:{} for partners {}", config.bindAddress(), server.getPort(),
                directory.partners().stream().map(p -> p.mno().id()).toList());
        return new PeeringServer(server);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }
}
