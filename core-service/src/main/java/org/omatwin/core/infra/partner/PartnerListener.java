package org.omatwin.core.infra.partner;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener for other servers (TWIN_PEER_PORT): partner MNOs (twinning peering) and secondary DM
 * servers (delegation). TLS 1.3 only, a client certificate required and verified against the union of
 * the configured parties' trust anchors; each service then identifies its own parties
 * ({@link PartnerAuthentication}), so a party of one service is nobody to another.
 */
public final class PartnerListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartnerListener.class);

    /** Where it listens, and our own certificate chain and PKCS#8 key (PEM). */
    public record Settings(String bindAddress, int port, Path certificateChain, Path privateKey) {}

    private final Server server;

    private PartnerListener(Server server) {
        this.server = server;
    }

    /**
     * @param services each with its own {@link PartnerAuthentication} outermost
     * @param maxMessageBytes the largest request accepted
     */
    public static PartnerListener start(Settings settings, List<X509Certificate> anchors,
            List<ServerServiceDefinition> services, int maxMessageBytes) throws IOException {
        SslContext tls = GrpcSslContexts.forServer(settings.certificateChain().toFile(), settings.privateKey().toFile())
                .trustManager(anchors.toArray(X509Certificate[]::new))
                .clientAuth(ClientAuth.REQUIRE)
                .protocols("TLSv1.3")
                .build();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(settings.bindAddress(),
                settings.port()));
        services.forEach(builder::addService);
        Server server = builder.sslContext(tls)
                .maxInboundMessageSize(maxMessageBytes)
                .handshakeTimeout(10, TimeUnit.SECONDS)
                .build()
                .start();
        LOG.info("partner listener (mutual TLS) on {}:{} serving {}", settings.bindAddress(), server.getPort(),
                services.stream().map(s -> s.getServiceDescriptor().getName()).toList());
        return new PartnerListener(server);
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
