package org.omatwin.core;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.omatwin.core.infra.edge.EdgeMetrics;
import org.omatwin.core.infra.edge.ErrorInterceptor;
import org.omatwin.core.infra.edge.ResponseMeta;
import org.omatwin.core.infra.edge.auth.AccessRules;
import org.omatwin.core.infra.edge.auth.BearerAuthInterceptor;
import org.omatwin.core.infra.edge.auth.BearerAuthenticator;
import org.omatwin.core.infra.edge.auth.BearerAuthenticator.TokenRule;
import org.omatwin.core.infra.edge.auth.TokenVerifier;
import org.omatwin.core.infra.edge.rest.RestServer;
import org.omatwin.core.dm.api.DmwsiPolicies;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.outbox.CallbackSender;
import org.omatwin.core.infra.outbox.CallbackTargets;
import org.omatwin.core.infra.outbox.Dispatcher;
import org.omatwin.core.infra.outbox.JooqOutbox;
import org.omatwin.core.infra.outbox.Sender;
import org.omatwin.core.infra.storage.Database;
import org.omatwin.core.infra.storage.PgEventListener;
import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.core.twinning.AuthCodeIssuer;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.PartnerUseCases;
import org.omatwin.core.twinning.Peers;
import org.omatwin.core.twinning.TwinningStore;
import org.omatwin.core.twinning.TwinningUseCases;
import org.omatwin.core.twinning.activation.ActivationCodes;
import org.omatwin.core.twinning.api.DevCallerInterceptor;
import org.omatwin.core.twinning.api.HttpAuthCodeIssuer;
import org.omatwin.core.twinning.api.PathUser;
import org.omatwin.core.twinning.api.ResourceUrls;
import org.omatwin.core.twinning.api.Scopes;
import org.omatwin.core.twinning.api.TwinningEventGrpcService;
import org.omatwin.core.twinning.api.TwinningGrpcService;
import org.omatwin.core.twinning.notify.EventBus;
import org.omatwin.core.twinning.api.NotificationRenderer;
import org.omatwin.core.twinning.notify.PeerOutbox;
import org.omatwin.core.twinning.notify.TwinningEvents;
import org.omatwin.core.twinning.notify.TwinningFanOut;
import org.omatwin.core.twinning.notify.TokenRevocations;
import org.omatwin.core.twinning.api.HttpTokenRevoker;
import org.omatwin.core.twinning.peering.PartnerDirectory;
import org.omatwin.core.twinning.peering.PeerClient;
import org.omatwin.core.twinning.peering.PeeringGrpcService;
import org.omatwin.core.twinning.peering.PeeringServer;
import org.omatwin.core.infra.partner.PartnerListener;
import java.security.cert.X509Certificate;
import org.omatwin.core.twinning.portal.DemoSubscribers;
import org.omatwin.core.twinning.portal.SubscriberGrpcService;
import org.omatwin.core.twinning.portal.SubscriberUseCases;
import org.omatwin.core.twinning.store.JooqSubscriberStore;
import org.omatwin.core.twinning.store.JooqSubscriptionStore;
import org.omatwin.core.twinning.store.JooqTwinningStore;
import org.omatwin.core.twinning.store.TwinningEventLog;
import org.omatwin.core.twinning.subscription.SubscriptionUseCases;
import org.omatwin.proto.portal.v1.PortalProto;
import org.omatwin.proto.twinning.v1.TwinningEventsProto;
import org.omatwin.proto.twinning.v1.TwinningProto;
import org.omatwin.proto.twinning.v1.TwinningServiceGrpc;
import org.omatwin.proto.portal.v1.SubscriberServiceGrpc;
import org.omatwin.proto.dmwsi.v1.DeviceManagementServiceGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the core is wired: the database, the shared infrastructure (outbox, change feed,
 * edges), each API family's use cases and services, the gRPC server and the embedded REST edge.
 */
public final class CoreServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CoreServer.class);

    private final Database database;
    private final Dispatcher dispatcher;
    private final PgEventListener listener;
    private final Server grpc;
    private final com.linecorp.armeria.server.Server rest;
    private final HealthStatusManager health;
    private final PartnerListener peering;
    private final DeviceManagement dm;
    private final PeerClient peerClient;
    private final CallbackSender callbacks;
    private final String restUrl;
    private final String grpcTarget;

    private CoreServer(Database database, Dispatcher dispatcher, PgEventListener listener, Server grpc,
            com.linecorp.armeria.server.Server rest, HealthStatusManager health, PartnerListener peering,
            DeviceManagement dm, PeerClient peerClient, CallbackSender callbacks, String restUrl, String grpcTarget) {
        this.database = database;
        this.dispatcher = dispatcher;
        this.listener = listener;
        this.grpc = grpc;
        this.rest = rest;
        this.health = health;
        this.peering = peering;
        this.dm = dm;
        this.peerClient = peerClient;
        this.callbacks = callbacks;
        this.restUrl = restUrl;
        this.grpcTarget = grpcTarget;
    }

    public static CoreServer start(CoreConfig config) throws IOException {
        LOG.info("starting with {}", config);
        Database database = Database.start(config.database());
        Dispatcher dispatcher = null;
        PgEventListener listener = null;
        PeerClient peerClient = null;
        PartnerListener peering = null;
        CallbackSender callbacks = null;
        DeviceManagement dm = null;
        try {
            // Timestamps at microsecond precision, as PostgreSQL stores them.
            Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            EdgeMetrics edge = new EdgeMetrics(metrics);
            // One verifier of bearer tokens for every API (its cache of verified tokens is shared too).
            TokenVerifier verifier = config.auth().jwt() ? new TokenVerifier(config.auth().issuer(),
                    config.auth().audience(), URI.create(config.auth().jwksUrl()).toURL(), config.auth().clockSkew())
                    : null;

            // --- shared infrastructure: the outbox and the change feed ---
            Transactions<JooqOutbox> outbox = database.transactions(JooqOutbox::new);
            CallbackTargets targets = new CallbackTargets(config.notifyPolicy().allowedPrivateHosts());
            callbacks = new CallbackSender(config.notifyPolicy(), targets);
            List<Sender> senders = new ArrayList<>(List.of(callbacks));
            if (config.peering().enabled()) {
                peerClient = new PeerClient(config.peering(), config.ownMno(), outbox);
                senders.add(peerClient);
            }

            // --- the twinning API family ---
            ActivationCodes codes = new ActivationCodes(config.operatorCodeKey());
            // The HTTP port is bound first: resource URLs are built from it.
            AtomicReference<String> publicUrl = new AtomicReference<>();
            ResourceUrls urls = new ResourceUrls(publicUrl::get);
            EventBus events = new EventBus();
            Transactions<TwinningEvents> eventLog = database.transactions(TwinningEventLog::new);
            // Every producer of outgoing messages, then the one dispatcher that delivers them all.
            // HLF-TE-004: with the embedded authorization server (it minted the authCode), a deactivated
            // twinning's tokens are revoked there too, at /internal/revoked-twinnings beside /internal/auth-codes.
            TokenRevocations revocations = TokenRevocations.NONE;
            if (!config.auth().authCodeUrl().isEmpty()) {
                HttpTokenRevoker revoker = new HttpTokenRevoker(
                        URI.create(config.auth().authCodeUrl()).resolve("revoked-twinnings"), "twinning-core",
                        config.auth().coreClientSecret());
                senders.add(revoker);
                revocations = revoker;
            }
            DmwsiPolicies dmPolicies = DeviceManagement.policies(config, database, verifier == null);
            List<Dispatcher.Producer> producers = new ArrayList<>(List.of(new TwinningFanOut(eventLog,
                    new NotificationRenderer(urls), peerClient == null ? PeerOutbox.NONE : peerClient, revocations,
                    metrics), DeviceManagement.fanOut(dmPolicies, database, publicUrl::get, metrics)));
            DeviceManagement.addGateway(config, database, producers, senders);
            dispatcher = new Dispatcher(outbox, config.notifyPolicy(), producers, senders, metrics, clock);
            Runnable wake = dispatcher::wake;
            listener = new PgEventListener(database.dataSource(), TwinningEventLog.CHANNEL,
                    events.fromAnnouncements(eventLog));

            AuthCodeIssuer authCodes = config.auth().authCodeUrl().isEmpty() ? AuthCodeIssuer.NONE
                    : new HttpAuthCodeIssuer(URI.create(config.auth().authCodeUrl()), "twinning-core",
                            config.auth().coreClientSecret());
            Transactions<TwinningStore> twinningStore = database.transactions(JooqTwinningStore::new, wake);
            TwinningUseCases twinnings = new TwinningUseCases(twinningStore, config.policy(), codes, config.ownMno(),
                    authCodes, peerClient == null ? Peers.NONE : peerClient, clock);
            SubscriptionUseCases subscriptions = new SubscriptionUseCases(
                    database.transactions(JooqSubscriptionStore::new), config.subscriptionDefaultDuration(),
                    config.subscriptionMaxDuration(), config.maxSubscriptionsPerDevice(), targets, clock);
            SubscriberUseCases subscribers = new SubscriberUseCases(database.transactions(JooqSubscriberStore::new),
                    twinnings, clock);

            // --- the edges: each API's chain is [its own resolution, authentication, errors (outermost)] ---
            AccessRules access = AccessRules.of(List.<ServiceDescriptor>of(
                    TwinningProto.getDescriptor().findServiceByName("TwinningService"),
                    TwinningEventsProto.getDescriptor().findServiceByName("TwinningEventService"),
                    PortalProto.getDescriptor().findServiceByName("SubscriberService")));
            List<ServerInterceptor> deviceChain = List.of(new PathUser(), new ResponseMeta(), deviceAuthentication(config, verifier,
                    access, twinnings, edge), new ErrorInterceptor(), edge);
            TwinningGrpcService service = new TwinningGrpcService(twinnings, subscriptions, urls);
            ServerServiceDefinition eventService = ServerInterceptors.intercept(new TwinningEventGrpcService(events),
                    deviceChain);
            ServerServiceDefinition subscriberService = ServerInterceptors.intercept(
                    new SubscriberGrpcService(subscribers, events),
                    verifier == null ? REFUSE_ALL : new BearerAuthInterceptor(new BearerAuthenticator(verifier,
                            "twinning-portal", List.of(new TokenRule(c -> c.subject().length() <= 200,
                                    "the access token names no subscriber")),
                            error -> edge.refused(SubscriberServiceGrpc.SERVICE_NAME, error)), access),
                    new ErrorInterceptor(), edge);

            // --- the device-management family (DeviceManagement wires it) ---
            dm = DeviceManagement.start(config, database, verifier, dmPolicies, publicUrl::get, metrics, edge, targets,
                    wake, clock);
            // development seeding of demo subscribers goes through provisioning, like the BSS's data
            Map<String, List<DeviceAddress>> demo = DemoSubscribers.parse(config.demoSubscribers());
            for (var subscriber : demo.entrySet()) {
                dm.seedDemoSubscriber(subscriber.getKey(), subscriber.getValue().stream().map(DeviceAddress::value)
                        .toList());
            }
            if (!demo.isEmpty()) {
                LOG.warn("TWIN_DEMO_SUBSCRIBERS: demo subscribers {} seeded; development only", demo.keySet());
            }

            com.linecorp.armeria.server.Server rest = RestServer.build(config.bindAddress(), config.httpPort(),
                    config.maxBodyBytes(), Stream.concat(Stream.of(ServerInterceptors.intercept(service, deviceChain)),
                            dm.dmwsiServices().stream()).toList(), dm.dmwsiRenderings(), dm.dmwsiRawRoutes(),
                    metrics);
            rest.start().join();
            int httpPort = rest.activeLocalPort();
            publicUrl.set(config.publicUrlFor(httpPort));

            HealthStatusManager health = new HealthStatusManager();
            org.omatwin.core.infra.edge.OneLineRefusals.install();
            NettyServerBuilder grpcBuilder = NettyServerBuilder.forAddress(new InetSocketAddress(config.bindAddress(),
                    config.grpcPort()));
            dm.dmwsiServices().forEach(grpcBuilder::addService);
            dm.portalServices().forEach(grpcBuilder::addService);
            Server grpc = grpcBuilder
                    .addService(ServerInterceptors.intercept(service, deviceChain))
                    .addService(eventService)
                    .addService(subscriberService)
                    .addService(health.getHealthService())
                    .addService(ProtoReflectionServiceV1.newInstance())
                    .maxInboundMessageSize((int) Math.max(config.maxBodyBytes(), 4096) * 4)
                    .permitKeepAliveTime(10, TimeUnit.SECONDS)
                    .build()
                    .start();
            health.setStatus("", ServingStatus.SERVING);
            health.setStatus(TwinningServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
            health.setStatus(DeviceManagementServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
            // the partner listener (mutual TLS): partner MNOs' peering and secondary DM servers' delegation
            List<ServerServiceDefinition> partnerServices = new ArrayList<>();
            List<X509Certificate> anchors = new ArrayList<>();
            int partnerMessageBytes = PeeringServer.MAX_MESSAGE_BYTES;
            if (config.peering().enabled()) {
                PartnerUseCases partners = new PartnerUseCases(twinningStore, config.policy(), codes, config.ownMno(),
                        config.peering().maxPendingPerPartner(), clock);
                PartnerDirectory directory = new PartnerDirectory(config.peering());
                partnerServices.add(PeeringServer.service(directory, new PeeringGrpcService(partners)));
                anchors.addAll(directory.allAnchors());
            }
            if (dm.delegation() != null) {
                partnerServices.add(dm.delegation().service());
                anchors.addAll(dm.delegation().anchors());
                partnerMessageBytes = 8 * 1024 * 1024 + 64 * 1024; // a batch of up to 100,000 devices
            }
            if (!partnerServices.isEmpty()) {
                peering = PartnerListener.start(config.partnerListener(), anchors, partnerServices,
                        partnerMessageBytes);
            }
            listener.start();
            dispatcher.start();
            return new CoreServer(database, dispatcher, listener, grpc, rest, health, peering, dm, peerClient, callbacks,
                    "http://" + config.bindAddress() + ":" + httpPort + "/twinning/v1",
                    config.bindAddress() + ":" + grpc.getPort());
        } catch (RuntimeException | IOException e) {
            for (AutoCloseable c : new AutoCloseable[] {peering, dm, peerClient, dispatcher, callbacks, listener}) {
                closeQuietly(c);
            }
            database.close();
            throw e;
        }
    }

    /** Without an authorization server there is no subscriber sign-in: the portal's service refuses all. */
    private static final ServerInterceptor REFUSE_ALL = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            throw ApiException.bearer(ApiError.UNAUTHENTICATED, "the subscriber service needs TWIN_AUTH_MODE=jwt",
                    "Bearer realm=\"twinning-portal\", error=\"invalid_token\"", "Authorization");
        }
    };

    /**
     * Devices: bearer tokens whose subject is a device address and, for a secondary's twinning token, whose
     * relationship still exists (deactivation revokes the token at once, HLF-TE-004); or the development header.
     */
    private static ServerInterceptor deviceAuthentication(CoreConfig config, TokenVerifier verifier,
            AccessRules access, TwinningUseCases twinnings, EdgeMetrics edge) {
        if (verifier == null) {
            return new DevCallerInterceptor(config.devCallerHeader());
        }
        return new BearerAuthInterceptor(new BearerAuthenticator(verifier, "twinning", List.of(
                new TokenRule(c -> DeviceAddress.isValid(c.subject()),
                        "invalid access token: the token subject is not a device address"),
                new TokenRule(c -> c.claim(Scopes.TWINNING_CLAIM) == null
                        || twinnings.isLive(c.claim(Scopes.TWINNING_CLAIM)),
                        "the access token was revoked: its twinning was deactivated")),
                error -> edge.refused(TwinningServiceGrpc.SERVICE_NAME, error)), access);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("could not close {} after a failed start", c.getClass().getSimpleName(), e);
        }
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

    /** The device surface's bound port (HTTPS unless TWIN_DM_PLAIN_HTTP). */
    public int dmPort() {
        return dm.devicePort();
    }

    /** SHA-256 of the device surface's self-signed certificate, or null. */
    public String dmFingerprint() {
        return dm.fingerprint();
    }

    /** The bound partner listener's port (partner MNOs, secondary DM servers), or -1 without either. */
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
        dm.close();
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
        callbacks.close();
        if (peerClient != null) {
            peerClient.close();
        }
        listener.close();
        database.close();
    }
}
