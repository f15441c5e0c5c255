package org.omatwin.core;

import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.omatwin.core.activation.ActivationCodes;
import org.omatwin.core.api.ErrorInterceptor;
import org.omatwin.core.api.ResourceUrls;
import org.omatwin.core.api.TwinningEventGrpcService;
import org.omatwin.core.api.TwinningGrpcService;
import org.omatwin.core.notify.CallbackTargets;
import org.omatwin.core.notify.Dispatcher;
import org.omatwin.core.notify.EventBus;
import org.omatwin.core.notify.NotificationRenderer;
import org.omatwin.core.notify.PeerOutbox;
import org.omatwin.core.peering.PartnerDirectory;
import org.omatwin.core.peering.PeerClient;
import org.omatwin.core.peering.PeeringServer;
import org.omatwin.core.twinning.PartnerUseCases;
import org.omatwin.core.twinning.Peers;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.omatwin.core.auth.BearerTokenInterceptor;
import org.omatwin.core.auth.DevCallerInterceptor;
import org.omatwin.core.auth.HttpAuthCodeIssuer;
import org.omatwin.core.auth.TokenVerifier;
import org.omatwin.core.twinning.AuthCodeIssuer;
import org.omatwin.core.config.CoreConfig;
import org.omatwin.core.rest.RestServer;
import org.omatwin.core.store.Database;
import org.omatwin.core.store.PgEventListener;
import org.omatwin.core.subscription.SubscriptionUseCases;
import org.omatwin.core.twinning.TwinningUseCases;
import org.omatwin.proto.twinning.v1.TwinningServiceGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the core: database, use cases, the gRPC server and the embedded REST edge. */
public final class CoreServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CoreServer.class);

    private final Database database;
    private final Dispatcher dispatcher;
    private final PgEventListener listener;
    private final Server grpc;
    private final com.linecorp.armeria.server.Server rest;
    private final HealthStatusManager health;
    private final PeeringServer peering;
    private final PeerClient peerClient;
    private final String restUrl;
    private final String grpcTarget;

    private CoreServer(Database database, Dispatcher dispatcher, PgEventListener listener, Server grpc,
            com.linecorp.armeria.server.Server rest, HealthStatusManager health, PeeringServer peering,
            PeerClient peerClient, String restUrl, String grpcTarget) {
        this.database = database;
        this.dispatcher = dispatcher;
        this.listener = listener;
        this.grpc = grpc;
        this.rest = rest;
        this.health = health;
        this.peering = peering;
        this.peerClient = peerClient;
        this.restUrl = restUrl;
        this.grpcTarget = grpcTarget;
    }

    public static CoreServer start(CoreConfig config) throws IOException {
        LOG.info("starting with {}", config);
        Database database = Database.start(config);
        Dispatcher dispatcher = null;
        PgEventListener listener = null;
        PeerClient peerClient = null;
        PeeringServer peering = null;
        try {
            // Timestamps at microsecond precision, as PostgreSQL stores them.
            Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
            ActivationCodes codes = new ActivationCodes(codeHashKey(config));
            // The HTTP port is bound first: resource URLs are built from it.
            AtomicReference<String> publicUrl = new AtomicReference<>();
            ResourceUrls urls = new ResourceUrls(publicUrl::get);

            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            CallbackTargets targets = new CallbackTargets(config.notifyPolicy().allowedPrivateHosts());
            EventBus events = new EventBus();
            if (config.peering().enabled()) {
                peerClient = new PeerClient(config.peering(), config.ownMno(), database.notificationTransactions());
            }
            dispatcher = new Dispatcher(database.notificationTransactions(), config.notifyPolicy(),
                    new NotificationRenderer(urls), targets, peerClient == null ? PeerOutbox.NONE : peerClient,
                    metrics, clock);
            listener = new PgEventListener(database.dataSource(), database.notificationTransactions(),
                    events::publish);

            AuthCodeIssuer authCodes = config.auth().authCodeUrl().isEmpty() ? AuthCodeIssuer.NONE
                    : new HttpAuthCodeIssuer(java.net.URI.create(config.auth().authCodeUrl()), "twinning-core",
                            config.auth().coreClientSecret());
            TwinningUseCases twinnings = new TwinningUseCases(database.twinningTransactions(dispatcher::wake),
                    config.policy(), codes, config.ownMno(), authCodes, peerClient == null ? Peers.NONE : peerClient,
                    clock);
            SubscriptionUseCases subscriptions = new SubscriptionUseCases(database.subscriptionTransactions(),
                    config.subscriptionDefaultDuration(), config.subscriptionMaxDuration(),
                    config.maxSubscriptionsPerDevice(), targets, clock);

            TwinningGrpcService service = new TwinningGrpcService(twinnings, subscriptions, urls);
            TwinningEventGrpcService eventService = new TwinningEventGrpcService(events);
            List<ServerInterceptor> interceptors = List.of(callerInterceptor(config, twinnings),
                    new ErrorInterceptor());
            com.linecorp.armeria.server.Server rest = RestServer.build(config.bindAddress(), config.httpPort(),
                    config.maxBodyBytes(), service, interceptors, metrics);
            rest.start().join();
            int httpPort = rest.activeLocalPort();
            publicUrl.set(config.publicUrlFor(httpPort));

            HealthStatusManager health = new HealthStatusManager();
            Server grpc = NettyServerBuilder.forAddress(new InetSocketAddress(config.bindAddress(), config.grpcPort()))
                    .addService(ServerInterceptors.intercept(service, interceptors))
                    .addService(ServerInterceptors.intercept(eventService, interceptors))
                    .addService(org.omatwin.core.portal.SubscriberPortal.service(config, database, twinnings, events,
                            clock))
                    .addService(health.getHealthService())
                    .addService(ProtoReflectionServiceV1.newInstance())
                    .maxInboundMessageSize((int) Math.max(config.maxBodyBytes(), 4096) * 4)
                    .permitKeepAliveTime(10, TimeUnit.SECONDS)
                    .build()
                    .start();
            health.setStatus("", ServingStatus.SERVING);
            health.setStatus(TwinningServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
            if (config.peering().enabled()) {
                peering = PeeringServer.start(config.peering(), new PartnerDirectory(config.peering()),
                        new PartnerUseCases(database.twinningTransactions(dispatcher::wake), config.policy(), codes,
                                config.ownMno(), config.peering().maxPendingPerPartner(), clock));
            }
            listener.start();
            dispatcher.start();
            return new CoreServer(database, dispatcher, listener, grpc, rest, health, peering, peerClient,
                    "http://" + config.bindAddress() + ":" + httpPort + "/twinning/v1",
                    config.bindAddress() + ":" + grpc.getPort());
        } catch (RuntimeException | IOException e) {
            if (peering != null) {
                peering.close();
            }
            if (peerClient != null) {
                peerClient.close();
            }
            if (dispatcher != null) {
                dispatcher.close();
            }
            if (listener != null) {
                listener.close();
            }
            database.close();
            throw e;
        }
    }

    /** The one place where callers are authenticated: bearer tokens, or the development header. */
    private static ServerInterceptor callerInterceptor(CoreConfig config, TwinningUseCases twinnings)
            throws IOException {
        CoreConfig.Auth auth = config.auth();
        if (auth.jwt()) {
            TokenVerifier verifier = new TokenVerifier(auth.issuer(), auth.audience(),
                    java.net.URI.create(auth.jwksUrl()).toURL(), auth.clockSkew());
            return new BearerTokenInterceptor(verifier, twinnings::isLive);
        }
        return new DevCallerInterceptor(config.devCallerHeader());
    }

    /** The operator's key (TWIN_CODE_HASH_KEY), or for a single embedded instance one kept in the data dir. */
    static byte[] codeHashKey(CoreConfig config) throws IOException {
        if (config.codeHashKey() != null) {
            return config.codeHashKey();
        }
        if (!config.embeddedDatabase()) {
            throw new IllegalStateException("TWIN_CODE_HASH_KEY is required with TWIN_DATABASE_URL: every instance "
                    + "must hash activation codes with the same key (generate one with: openssl rand -base64 32)");
        }
        Path file = config.dataDir().resolve("code-hash.key");
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.createDirectories(config.dataDir());
            Files.write(file, key);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return Files.readAllBytes(file);
    }

    public String restUrl() {
        return restUrl;
    }

    public String grpcTarget() {
        return grpcTarget;
    }

    public int httpPort() {
        return rest.activeLocalPort();
    }

    public int grpcPort() {
        return grpc.getPort();
    }

    /** The bound peering port, or -1 without partners. */
    public int peerPort() {
        return peering == null ? -1 : peering.port();
    }

    public Database database() {
        return database;
    }

    @Override
    public void close() {
        health.enterTerminalState();
        try {
            // Graceful (in-flight requests finish), but bounded: open keep-alive connections of load
            // generators were seen to hold Armeria's stop future past its own timeout.
            rest.stop().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("the REST edge did not stop within 15 s; continuing the shutdown");
        }
        if (peering != null) {
            peering.close();
        }
        grpc.shutdown();
        try {
            if (!grpc.awaitTermination(10, TimeUnit.SECONDS)) {
                grpc.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            grpc.shutdownNow();
        }
        dispatcher.close();
        if (peerClient != null) {
            peerClient.close();
        }
        listener.close();
        database.close();
    }
}
