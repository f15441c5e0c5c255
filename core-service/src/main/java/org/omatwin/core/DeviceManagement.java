package org.omatwin.core;

import com.linecorp.armeria.common.RequestHeaders;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import java.io.File;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.omatwin.core.dm.DmStore;
import org.omatwin.core.dm.account.AccountUseCases;
import org.omatwin.core.dm.account.BindingCodes;
import org.omatwin.core.dm.account.ProvisioningUseCases;
import org.omatwin.core.dm.api.DeviceAccountGrpcService;
import org.omatwin.core.dm.api.DeviceCareGrpcService;
import org.omatwin.core.dm.care.DeviceCareUseCases;
import org.omatwin.core.dm.api.JobGrpcService;
import org.omatwin.core.dm.api.JobNoticeRenderer;
import org.omatwin.core.dm.api.JobTargets;
import org.omatwin.core.dm.job.JobUseCases;
import org.omatwin.core.dm.store.JooqJobStore;
import org.omatwin.proto.dmwsi.v1.JobsProto;
import org.omatwin.core.dm.api.ProvisioningGrpcService;
import org.omatwin.proto.portal.v1.DeviceAccountProto;
import org.omatwin.proto.portal.v1.DeviceAccountServiceGrpc;
import org.omatwin.proto.portal.v1.DeviceCareProto;
import org.omatwin.core.dm.http.AccountSurface;
import org.omatwin.core.dm.store.JooqAccountStore;
import org.omatwin.core.dm.notify.DeviceWakeups;
import org.omatwin.core.dm.store.JooqWakeupFeed;
import org.omatwin.core.infra.outbox.Dispatcher;
import org.omatwin.core.infra.outbox.GatewaySender;
import org.omatwin.core.infra.outbox.Sender;
import org.omatwin.proto.dmwsi.v1.ProvisioningProto;
import org.omatwin.core.dm.alert.AlertPolicy;
import org.omatwin.core.dm.alert.AlertUseCases;
import org.omatwin.core.dm.api.DeviceManagementGrpcService;
import org.omatwin.core.dm.api.DmNotificationRenderer;
import org.omatwin.core.dm.api.DmSubscriptionGrpcService;
import org.omatwin.core.dm.api.DmwsiAccessInterceptor;
import org.omatwin.core.dm.api.DmwsiPolicies;
import org.omatwin.core.dm.api.TransactionCsv;
import org.omatwin.core.dm.api.TransactionGrpcService;
import org.omatwin.core.dm.policy.Pseudonyms;
import org.omatwin.core.dm.store.JooqDmRetention;
import org.omatwin.core.dm.policy.Policies;
import org.omatwin.core.dm.api.DelegationGrpcService;
import org.omatwin.core.dm.delegation.SecondaryServer;
import org.omatwin.core.infra.edge.auth.Caller;
import org.omatwin.core.infra.edge.auth.CallerContext;
import org.omatwin.core.infra.partner.PartnerAuthentication;
import org.omatwin.core.infra.partner.PartnerTrust;
import org.omatwin.proto.dmwsi.delegation.v1.DelegationProto;
import org.omatwin.core.dm.store.JooqDmwsiStore;
import org.omatwin.core.infra.edge.rest.Rendering;
import com.linecorp.armeria.common.MediaType;
import java.time.Duration;
import org.omatwin.proto.dmwsi.v1.TransactionServiceGrpc;
import org.omatwin.proto.dmwsi.v1.TransactionsProto;
import org.omatwin.core.dm.notify.DmFanOut;
import org.omatwin.core.dm.store.DmStatistics;
import org.omatwin.core.dm.store.JooqEventFeed;
import org.omatwin.core.dm.store.JooqSubscriptionStore;
import org.omatwin.core.dm.subscription.SubscriptionUseCases;
import org.omatwin.core.infra.outbox.CallbackTargetPolicy;
import org.omatwin.proto.dmwsi.v1.DmSubscriptionsProto;
import org.omatwin.core.dm.data.DataUseCases;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.dmwsi.OperationUseCases;
import org.omatwin.core.dm.http.DeviceSurface;
import org.omatwin.core.dm.http.PackageUpload;
import org.omatwin.core.dm.api.PackageGrpcService;
import org.omatwin.core.dm.pkg.Originators;
import org.omatwin.core.dm.pkg.PackageContent;
import org.omatwin.core.dm.pkg.PackageUseCases;
import org.omatwin.core.dm.pkg.PackagePlanning;
import org.omatwin.core.infra.edge.ContractJson;
import org.omatwin.core.infra.edge.rest.RawRoute;
import org.omatwin.proto.dmwsi.v1.GetPackageResponse;
import org.omatwin.proto.dmwsi.v1.PackagesProto;
import org.omatwin.proto.dmwsi.v1.PackageServiceGrpc;
import org.omatwin.core.dm.http.DmServer;
import org.omatwin.core.dm.http.DmTls;
import org.omatwin.core.dm.http.LongPolls;
import org.omatwin.core.dm.http.PendingIndex;
import org.omatwin.core.dm.http.SessionWakeups;
import org.omatwin.core.dm.operation.OperationPlanner;
import org.omatwin.core.dm.session.DeviceQueue;
import org.omatwin.core.dm.session.SessionPolicy;
import org.omatwin.core.dm.session.SessionUseCases;
import org.omatwin.core.dm.store.JooqDmStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.omatwin.core.infra.edge.EdgeMetrics;
import org.omatwin.core.infra.edge.ErrorInterceptor;
import org.omatwin.core.infra.edge.ResponseMeta;
import org.omatwin.core.infra.edge.auth.AccessRules;
import org.omatwin.core.infra.edge.auth.BearerAuthInterceptor;
import org.omatwin.core.infra.edge.auth.BearerAuthenticator;
import org.omatwin.core.infra.edge.auth.BearerAuthenticator.TokenRule;
import org.omatwin.core.infra.edge.auth.TokenVerifier;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.storage.Database;
import org.omatwin.core.infra.storage.PgEventListener;
import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.proto.dmwsi.v1.DeviceManagementServiceGrpc;
import org.omatwin.proto.dmwsi.v1.DmwsiProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring of the device-management family (part of the root package's one place of wiring, beside
 * {@link CoreServer}): its use cases over PostgreSQL, the device surface on its own TLS port, the
 * DMWSI gRPC service with its edge chain, the cross-instance wake-up of long polls and the sweeps
 * that end unreported sessions and overdue operations.
 */
final class DeviceManagement implements AutoCloseable {
    /** The scope of device tokens on the device surface (dm-api.md section 1). */
    static final String DEVICE_SCOPE = "oma_dm.device";
    /** DEVELOPMENT ONLY (TWIN_AUTH_MODE=dev): the device names itself in this header. */
    static final String DEV_HEADER = "x-dev-devid";
    /** DEVELOPMENT ONLY: the line the device's token would prove (its msisdn claim). */
    static final String DEV_LINE_HEADER = "x-dev-msisdn";
    /** The scope of DM account tokens on /dm/v2/devices (dm-api.md section 1): subject = the subscriber. */
    static final String ACCOUNT_SCOPE = "oma_dm.account";
    /** DEVELOPMENT ONLY (TWIN_AUTH_MODE=dev): the account names its subscriber in this header. */
    static final String DEV_ACCOUNT_HEADER = "x-dev-subscriber";
    private static final Logger LOG = LoggerFactory.getLogger(DeviceManagement.class);

    private final com.linecorp.armeria.server.Server deviceServer;
    private final List<PgEventListener> listeners;
    private final ScheduledExecutorService sweeper;
    private final ExecutorService databaseWork;
    private final List<ServerServiceDefinition> dmwsi;
    private final String fingerprint;
    private final ProvisioningUseCases provisioning;
    private final List<ServerServiceDefinition> portal;
    private final JobWorkers workers;
    private final List<RawRoute> rawRoutes;
    private final Delegation delegation;

    /** The secondary DM servers' service (section 11) for the partner listener, and their trust anchors. */
    record Delegation(ServerServiceDefinition service, List<java.security.cert.X509Certificate> anchors) {}

    private DeviceManagement(com.linecorp.armeria.server.Server deviceServer, List<PgEventListener> listeners,
            ScheduledExecutorService sweeper, ExecutorService databaseWork, List<ServerServiceDefinition> dmwsi,
            String fingerprint, ProvisioningUseCases provisioning, List<ServerServiceDefinition> portal,
            JobWorkers workers, List<RawRoute> rawRoutes, Delegation delegation) {
        this.delegation = delegation;
        this.workers = workers;
        this.rawRoutes = rawRoutes;
        this.provisioning = provisioning;
        this.portal = portal;
        this.databaseWork = databaseWork;
        this.deviceServer = deviceServer;
        this.listeners = listeners;
        this.sweeper = sweeper;
        this.dmwsi = dmwsi;
        this.fingerprint = fingerprint;
    }

    /**
     * The producer of DMWSI notifications (events to subscriptions and callbackReferences), registered
     * with the one outbox dispatcher before the family starts.
     */
    static DmFanOut fanOut(DmwsiPolicies policies, Database database, Supplier<String> restUrl, MeterRegistry metrics) {
        return new DmFanOut(database.transactions(JooqEventFeed::new), new DmNotificationRenderer(restUrl, policies),
                policies, metrics);
    }

    /**
     * The external systems' policies (section 6) as the DMWSI edge and the fan-out apply them, with the
     * pseudonym key (TWIN_DM_PSEUDONYM_KEY, or one kept in the data dir for a single embedded instance).
     *
     * @param development no authorization server: the one development client may do everything
     */
    static DmwsiPolicies policies(CoreConfig config, Database database, boolean development) throws IOException {
        CoreConfig.Dm settings = config.dm();
        if (!development && settings.policies().size() == 0) {
            LOG.warn("no DMWSI policies (TWIN_DM_POLICIES): every external system is refused access to devices");
        }
        // without a pseudonymous client no pseudonym is ever shown: an external database then needs no key
        byte[] key = settings.pseudonymKey() == null && !config.embeddedDatabase()
                && !settings.policies().anyPseudonymous() ? unusedKey() : config.secretKey(settings.pseudonymKey(),
                                "TWIN_DM_PSEUDONYM_KEY", "compute the pseudonyms of devices", "pseudonym.key");
        return new DmwsiPolicies(settings.policies(), development, new Pseudonyms(key),
                database.transactions(JooqDmStore::new), database.transactions(JooqDmwsiStore::new));
    }

    /**
     * Section 7's device-notification gateway, when TWIN_DM_GATEWAY_URL is set: the producer that hands it
     * sessions still not started after TWIN_DM_GATEWAY_DELAY_SECONDS, and the sender that POSTs to it.
     */
    static void addGateway(CoreConfig config, Database database, List<Dispatcher.Producer> producers,
            List<Sender> senders) {
        CoreConfig.Dm settings = config.dm();
        if (settings.gatewayUrl() == null) {
            return;
        }
        producers.add(new DeviceWakeups(database.transactions(JooqWakeupFeed::new), settings.gatewayUrl(),
                settings.gatewayDelay()));
        senders.add(new GatewaySender(config.notifyPolicy().httpTimeout()));
        LOG.info("device-notification gateway: {} after {} s", settings.gatewayUrl(),
                settings.gatewayDelay().toSeconds());
    }

    /**
     * @param targets the callback target rules (callbackReferences and subscriptions)
     * @param wakeOutbox wakes the outbox dispatcher: run when another instance or this one recorded events
     */
    static DeviceManagement start(CoreConfig config, Database database, TokenVerifier verifier,
            DmwsiPolicies policies, Supplier<String> restUrl, MeterRegistry metrics, EdgeMetrics edge, CallbackTargetPolicy targets,
            Runnable wakeOutbox, Clock clock) throws IOException {
        CoreConfig.Dm settings = config.dm();
        Transactions<DmStore> store = database.transactions(JooqDmStore::new);
        Transactions<JooqDmwsiStore> log = database.transactions(JooqDmwsiStore::new);
        Transactions<JooqDmRetention> history = database.transactions(JooqDmRetention::new);
        LongPolls polls = new LongPolls();
        PendingIndex index = new PendingIndex();
        SessionWakeups wakeups = new SessionWakeups(database.dsl(), polls, index);
        DeviceQueue queue = new DeviceQueue(store, wakeups);
        // who owns a device (section 3): accounts, their one-time codes, the BSS's subscriber data
        Transactions<JooqAccountStore> ownership = database.transactions(JooqAccountStore::new);
        BindingCodes codes = new BindingCodes(config.operatorCodeKey());
        AccountUseCases accounts = new AccountUseCases(ownership, wakeups, codes, clock);
        ProvisioningUseCases provisioning = new ProvisioningUseCases(ownership, clock);
        SessionUseCases sessions = new SessionUseCases(queue,
                new SessionPolicy(settings.commandsPerPackage(), settings.unreportedTimeout()), clock);
        PackageUseCases packages = packages(config, store, clock);
        OperationPlanner planner = new OperationPlanner(new PackagePlanning(packages));
        OperationUseCases operations = new OperationUseCases(queue, planner, targets, clock);
        // bulk jobs (section 5): their steps commit notifications too, so the outbox is woken after each
        JobUseCases jobs = new JobUseCases(database.transactions(JooqJobStore::new, wakeOutbox), queue, planner,
                targets, policies::of, new JobTargets(policies), new JobNoticeRenderer(restUrl, policies),
                settings.maxJobsPerClient(), clock);
        SubscriptionUseCases subscriptions = new SubscriptionUseCases(database.transactions(JooqSubscriptionStore::new),
                targets, settings.maxSubscriptionsPerClient(), clock);

        AtomicReference<String> deviceBase = new AtomicReference<>();
        // three quarters of the pool for the fleet's requests; the rest stays for the APIs of external systems
        int dbThreads = Math.max(2, config.databasePoolSize() * 3 / 4);
        ExecutorService databaseWork = Executors.newFixedThreadPool(dbThreads, r -> {
            Thread t = new Thread(r, "dm-db");
            t.setDaemon(true);
            return t;
        });
        DeviceSurface surface = new DeviceSurface(sessions, new AlertUseCases(store, AlertPolicy.DEFAULT, clock),
                new DataUseCases(store, codes, clock), deviceAuthentication(verifier, edge),
                new AccountSurface(accounts, accountAuthentication(verifier, edge), deviceBase::get), polls, index,
                deviceBase::get, databaseWork, packages);
        DmServer.Transport transport;
        String fingerprint = null;
        if (settings.plainHttp()) {
            transport = new DmServer.Transport.PlainHttp();
        } else if (settings.tlsCertificate() != null) {
            transport = new DmServer.Transport.Configured(new File(settings.tlsCertificate()),
                    new File(settings.tlsKey()));
        } else {
            DmTls tls = DmTls.selfSigned(config.dataDir());
            fingerprint = tls.fingerprint();
            transport = new DmServer.Transport.SelfSigned(tls);
        }
        var server = DmServer.start(config.bindAddress(), settings.port(), transport, surface, metrics);
        metrics.gauge("dm.long.polls.held", polls, LongPolls::size);
        deviceBase.set(settings.publicUrlFor(server.activeLocalPort()));
        PgEventListener listener = new PgEventListener(database.dataSource(), SessionWakeups.CHANNEL,
                wakeups.announcements(), index::listening, index::deaf);
        listener.start();
        PgEventListener eventListener = new PgEventListener(database.dataSource(), JooqDmStore.EVENTS_CHANNEL,
                announced -> wakeOutbox.run());
        eventListener.start();

        // the timeout sweep, and the checks of GET /dmwsi/v1/operations/{id}?waitSeconds (short reads;
        // two threads so that a slow sweep does not delay the answers to waiting callers)
        ScheduledExecutorService sweeper = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "dm-sweeper");
            t.setDaemon(true);
            return t;
        });
        DmStatistics statistics = new DmStatistics(database.dsl(), metrics);
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                sessions.expireUnreported(clock.instant());
                operations.expireOperations(clock.instant());
                subscriptions.purgeExpired(clock.instant());
                purgeTransactions(log, clock.instant().minus(Duration.ofDays(settings.retentionDays())));
                purgeJobs(jobs, clock.instant().minus(Duration.ofDays(settings.retentionDays())));
                purgeHistory(history, clock.instant().minus(Duration.ofDays(settings.retentionDays())));
                statistics.refresh();
            } catch (RuntimeException e) {
                LOG.warn("device-management sweep failed; retried at the next one: {}", e.getMessage());
            }
        }, 5, 5, TimeUnit.SECONDS);

        AccessRules access = AccessRules.of(DMWSI_SERVICES);
        ServerInterceptor auth = verifier == null ? NO_AUTHENTICATION
                : new BearerAuthInterceptor(new BearerAuthenticator(verifier, "dmwsi", List.of(NOT_A_SECONDARY),
                        error -> edge.refused(DeviceManagementServiceGrpc.SERVICE_NAME, error)), access);
        // the edge chain of every DMWSI service (the last runs first): metrics, the one error mapping,
        // the bearer token and its scope, the client's policy and rate (section 6), response metadata
        DmwsiAccessInterceptor policy = new DmwsiAccessInterceptor(policies);
        DeviceManagementGrpcService devices = new DeviceManagementGrpcService(operations, store, restUrl, sweeper,
                settings.networkParameters());
        TransactionGrpcService transactions = new TransactionGrpcService(log, restUrl);
        JobGrpcService jobService = new JobGrpcService(jobs, restUrl, settings.networkParameters(), sweeper);
        List<ServerServiceDefinition> dmwsi = java.util.stream.Stream.of(devices,
                new DmSubscriptionGrpcService(subscriptions, restUrl),
                transactions,
                jobService,
                new ProvisioningGrpcService(provisioning, restUrl),
                new PackageGrpcService(packages, restUrl))
                .map(service -> ServerInterceptors.intercept(service, new ResponseMeta(), policy, auth,
                        new ErrorInterceptor(), edge)).toList();
        // the self-care portal's DM account pages and device care call these with the signed-in subscriber's
        // token; each RPC's scope is declared next to it (oma.edge.v1.access)
        DeviceCareUseCases care = new DeviceCareUseCases(ownership, operations);
        ServerInterceptor portalAuth = verifier == null ? REFUSE_ALL : new BearerAuthInterceptor(new BearerAuthenticator(
                verifier, "twinning-portal", List.of(new TokenRule(c -> !isDevId(c.subject())
                        && c.subject().length() <= 200, "the access token names no subscriber")),
                error -> edge.refused(DeviceAccountServiceGrpc.SERVICE_NAME, error)),
                AccessRules.of(List.of(DeviceAccountProto.getDescriptor().findServiceByName("DeviceAccountService"),
                        DeviceCareProto.getDescriptor().findServiceByName("DeviceCareService"))));
        List<ServerServiceDefinition> portal = java.util.stream.Stream.<io.grpc.BindableService>of(
                        new DeviceAccountGrpcService(accounts), new DeviceCareGrpcService(care, sweeper))
                .map(service -> ServerInterceptors.intercept(service, new ResponseMeta(), portalAuth,
                        new ErrorInterceptor(), edge)).toList();
        RawRoute upload = new RawRoute(PackageUpload.PATH, settings.packageMaxBytes() + 1, Duration.ofHours(2),
                new PackageUpload(packages, packageClients(verifier, policy, edge), p -> {
                    try {
                        return ContractJson.print(GetPackageResponse.newBuilder().setPackage(
                                PackageGrpcService.toProto(p, restUrl.get() + "/dmwsi/v1")).build());
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new IllegalStateException(e);
                    }
                }));
        // section 11: secondary DM servers on the partner listener, each the DMWSI client secondary:<name>,
        // through the same policy edge as DMWSI, identified by a certificate chaining to its own CA
        Delegation delegation = null;
        if (!settings.secondaries().isEmpty()) {
            PartnerTrust<SecondaryServer> trust = new PartnerTrust<>(settings.secondaries().stream()
                    .map(s -> new PartnerTrust.Party<>(s, "secondary DM server " + s.name(), s.trustAnchors(),
                            s.certificateName())).toList());
            ServerServiceDefinition service = ServerInterceptors.intercept(new DelegationGrpcService(devices,
                    jobService, transactions, jobs, restUrl, sweeper), new ResponseMeta(), policy,
                    new ErrorInterceptor(), new PartnerAuthentication<>(trust, AccessRules.of(List.of(
                            DelegationProto.getDescriptor().findServiceByName("DmDelegationService"))),
                            "org.omatwin.delegation.audit", "secondary DM server", "secondary", SecondaryServer::name,
                            (ctx, s) -> ctx.withValue(CallerContext.CALLER, Caller.named(s.clientId()))));
            delegation = new Delegation(service, trust.allAnchors());
            LOG.info("secondary DM servers (section 11): {}", trust.parties().stream().map(SecondaryServer::name)
                    .toList());
        }
        JobWorkers workers = JobWorkers.start(jobs, settings.jobWorkers());
        return new DeviceManagement(server, List.of(listener, eventListener), sweeper, databaseWork, dmwsi,
                fingerprint, provisioning, portal, workers, List.of(upload), delegation);
    }

    /**
     * Section 8: the package store (TWIN_DM_PACKAGE_DIR, default packages/ in the data dir; shared by
     * every instance), its size limit, and the approved originators (TWIN_DM_PACKAGE_ORIGINATORS).
     */
    private static PackageUseCases packages(CoreConfig config, Transactions<DmStore> store, Clock clock)
            throws IOException {
        CoreConfig.Dm settings = config.dm();
        java.nio.file.Path dir = settings.packageDir() != null ? settings.packageDir()
                : config.dataDir().resolve("packages");
        Originators originators;
        if (settings.packageOriginators() == null) {
            LOG.warn("no approved package originators (TWIN_DM_PACKAGE_ORIGINATORS): every package will be Rejected");
            originators = Originators.none();
        } else {
            originators = Originators.fromPem(settings.packageOriginators());
            LOG.info("{} approved package originator CA(s) from {}", originators.size(), settings.packageOriginators());
        }
        return new PackageUseCases(store, new PackageContent(dir, settings.packageMaxBytes()), originators, clock);
    }

    /**
     * Who uploads package content (plain HTTP, section 8): authenticated as for every DMWSI call (bearer
     * token with the scope oma_dmwsi.packages; the development client without an authorization server),
     * and admitted by the same policy and request rate as the gRPC methods (DmwsiAccessInterceptor).
     */
    private static PackageUpload.ClientAuthentication packageClients(TokenVerifier verifier,
            DmwsiAccessInterceptor policy, EdgeMetrics edge) {
        BearerAuthenticator authenticator = verifier == null ? null : new BearerAuthenticator(verifier, "dmwsi",
                List.of(NOT_A_SECONDARY), error -> edge.refused(PackageServiceGrpc.SERVICE_NAME, error));
        return headers -> {
            String clientId = authenticator == null ? DmwsiAccessInterceptor.developmentClient()
                    : authenticator.authenticate(headers.getAll(com.linecorp.armeria.common.HttpHeaderNames
                            .AUTHORIZATION), List.of("oma_dmwsi.packages"), "PUT /dmwsi/v1/packages/content").subject();
            policy.admit(clientId, "PUT /dmwsi/v1/packages/{packageId}/content");
            return clientId;
        };
    }

    /** Plain HTTP paths of the DMWSI root on the REST edge (the package content upload). */
    List<RawRoute> dmwsiRawRoutes() {
        return rawRoutes;
    }

    private static byte[] unusedKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return key;
    }

    /** A secondary DM server is known by its certificate only: no token may name one (section 11). */
    private static final TokenRule NOT_A_SECONDARY = new TokenRule(c -> !Policies.isSecondaryServer(c.subject()),
            "the access token names a secondary DM server, which calls over mutual TLS only");

    /** Without an authorization server there is no subscriber sign-in: the portal's account service refuses all. */
    private static final ServerInterceptor REFUSE_ALL = new ServerInterceptor() {
        @Override
        public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call,
                io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
            throw ApiException.bearer(ApiError.UNAUTHENTICATED, "the device account service needs TWIN_AUTH_MODE=jwt",
                    "Bearer realm=\"twinning-portal\", error=\"invalid_token\"", "Authorization");
        }
    };

    /** Development (no authorization server): callers are one "development" client. */
    private static final ServerInterceptor NO_AUTHENTICATION = new ServerInterceptor() {
        @Override
        public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call,
                io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
            return next.startCall(call, headers);
        }
    };

    /**
     * Devices: bearer tokens whose subject is a devId with the scope oma_dm.device (the same verifier
     * and rules machinery as every API; its msisdn claim, when an E.164 line, is the device's proven line),
     * or in development the {@value #DEV_HEADER} header (and {@value #DEV_LINE_HEADER} for the line).
     */
    private static DeviceSurface.DeviceAuthentication deviceAuthentication(TokenVerifier verifier, EdgeMetrics edge) {
        if (verifier == null) {
            return (headers, operation) -> {
                String devId = headers.get(DEV_HEADER);
                if (devId == null) {
                    throw ApiException.of(ApiError.UNAUTHENTICATED, "the " + DEV_HEADER + " header names the device",
                            DEV_HEADER);
                }
                return device(devId, headers.get(DEV_LINE_HEADER));
            };
        }
        BearerAuthenticator authenticator = new BearerAuthenticator(verifier, "dm", List.of(new TokenRule(
                c -> isDevId(c.subject()), "invalid access token: the token subject is not a devId")),
                error -> edge.refused(DeviceSurface.PREFIX, error));
        return (RequestHeaders headers, String operation) -> {
            var caller = authenticator.authenticate(headers.getAll(com.linecorp.armeria.common.HttpHeaderNames
                    .AUTHORIZATION), List.of(DEVICE_SCOPE), operation);
            return device(caller.subject(), caller.claim("msisdn"));
        };
    }

    /**
     * DM accounts on {@code /dm/v2/devices}: bearer tokens whose subject is the subscriber (never a devId)
     * with the scope oma_dm.account, or in development the {@value #DEV_ACCOUNT_HEADER} header.
     */
    private static AccountSurface.AccountAuthentication accountAuthentication(TokenVerifier verifier,
            EdgeMetrics edge) {
        if (verifier == null) {
            return (headers, operation) -> {
                String subscriber = headers.get(DEV_ACCOUNT_HEADER);
                if (subscriber == null) {
                    throw ApiException.of(ApiError.UNAUTHENTICATED, "the " + DEV_ACCOUNT_HEADER
                            + " header names the subscriber", DEV_ACCOUNT_HEADER);
                }
                return subscriber;
            };
        }
        BearerAuthenticator authenticator = new BearerAuthenticator(verifier, "dm-account", List.of(new TokenRule(
                c -> !isDevId(c.subject()) && c.subject().length() <= 200,
                "invalid access token: the token subject is not a subscriber")),
                error -> edge.refused(AccountSurface.PATH, error));
        return (headers, operation) -> authenticator.authenticate(headers.getAll(
                com.linecorp.armeria.common.HttpHeaderNames.AUTHORIZATION), List.of(ACCOUNT_SCOPE), operation).subject();
    }

    /** Seeds a demo subscriber through provisioning, unless the BSS (or an earlier run) provisioned it. */
    boolean seedDemoSubscriber(String subscriberId, List<String> lines) {
        return provisioning.provisionIfAbsent(subscriberId, lines.stream()
                .map(l -> new ProvisioningUseCases.LineInput(l, null, List.of())).toList());
    }

    /** A claim that is not an E.164 line proves nothing: the device is known, its line is not. */
    private static DeviceSurface.AuthenticatedDevice device(String devId, String msisdn) {
        return new DeviceSurface.AuthenticatedDevice(DevId.of(devId), Line.parse(msisdn).orElse(null));
    }

    private static boolean isDevId(String subject) {
        try {
            DevId.of(subject);
            return true;
        } catch (ApiException e) {
            return false;
        }
    }

    /** The DMWSI services, their contracts read for scopes, discovery and the REST rules. */
    static final List<com.google.protobuf.Descriptors.ServiceDescriptor> DMWSI_SERVICES = List.of(
            DmwsiProto.getDescriptor().findServiceByName("DeviceManagementService"),
            DmSubscriptionsProto.getDescriptor().findServiceByName("DmSubscriptionService"),
            TransactionsProto.getDescriptor().findServiceByName("TransactionService"),
            ProvisioningProto.getDescriptor().findServiceByName("ProvisioningService"),
            JobsProto.getDescriptor().findServiceByName("JobService"),
            PackagesProto.getDescriptor().findServiceByName("PackageService"));

    /** Ended entries of the transaction log leave after the retention period, in batches. */
    private static void purgeTransactions(Transactions<JooqDmwsiStore> log, java.time.Instant before) {
        int purged;
        int total = 0;
        do {
            purged = log.inTransaction(s -> s.purgeTransactions(before, 5_000));
            total += purged;
        } while (purged == 5_000);
        if (total > 0) {
            LOG.info("{} transaction-log entries past the retention period removed", total);
        }
    }

    /** Ended jobs leave after the retention period with their executions, in batches. */
    private static void purgeJobs(JobUseCases jobs, java.time.Instant before) {
        int purged;
        int total = 0;
        int batches = 0;
        do { // at most 200 batches a sweep: the rest waits for the next one
            purged = jobs.purge(before, 5_000);
            total += purged;
        } while (purged > 0 && ++batches < 200);
        if (total > 0) {
            LOG.info("{} rows of jobs past the retention period removed", total);
        }
    }

    /**
     * Ended operations (with their commands, data and alerts), ended sessions (with their packages) and
     * alerts of no operation leave after the retention period, in batches (JooqDmRetention says what stays).
     */
    private static void purgeHistory(Transactions<JooqDmRetention> history, java.time.Instant before) {
        int total = purgeInBatches(history, r -> r.purgeOperations(before, HISTORY_BATCH))
                + purgeInBatches(history, r -> r.purgeSessions(before, HISTORY_BATCH))
                + purgeInBatches(history, r -> r.purgeUnboundAlerts(before, HISTORY_BATCH));
        if (total > 0) {
            LOG.info("{} operations, sessions and alerts past the retention period removed", total);
        }
    }

    private static final int HISTORY_BATCH = 1_000;

    /** One purge, a transaction per batch, at most 200 batches a sweep (the rest waits for the next one). */
    private static int purgeInBatches(Transactions<JooqDmRetention> history,
            java.util.function.ToIntFunction<JooqDmRetention> batch) {
        int total = 0;
        int purged;
        int batches = 0;
        do {
            purged = history.inTransaction(batch::applyAsInt);
            total += purged;
        } while (purged == HISTORY_BATCH && ++batches < 200);
        return total;
    }

    /** The transaction log as CSV on the embedded REST edge (Accept: text/csv, section 6.1). */
    List<Rendering> dmwsiRenderings() {
        return List.of(new Rendering(TransactionServiceGrpc.getListTransactionsMethod().getFullMethodName(),
                MediaType.parse("text/csv; charset=utf-8"), TransactionCsv::render, TransactionCsv::nextPageToken));
    }

    /** The DMWSI services with their edge chains, served over gRPC and the embedded REST edge. */
    List<ServerServiceDefinition> dmwsiServices() {
        return dmwsi;
    }

    /** The delegation service for the partner listener; null without secondary DM servers. */
    Delegation delegation() {
        return delegation;
    }

    /** The self-care portal's DM account and device care services (gRPC only). */
    List<ServerServiceDefinition> portalServices() {
        return portal;
    }

    int devicePort() {
        return deviceServer.activeLocalPort();
    }

    /** The self-signed certificate's SHA-256, or null with a configured certificate or plain HTTP. */
    String fingerprint() {
        return fingerprint;
    }

    @Override
    public void close() {
        workers.close();
        sweeper.shutdownNow();
        try {
            deviceServer.stop().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("the device surface did not stop within 10 s; continuing the shutdown");
        }
        listeners.forEach(PgEventListener::close);
        databaseWork.shutdown();
    }
}
