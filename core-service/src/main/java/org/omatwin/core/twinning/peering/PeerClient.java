package org.omatwin.core.twinning.peering;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.omatwin.core.twinning.api.TwinningMapper;
import org.omatwin.core.twinning.peering.PeeringConfig;
import org.omatwin.core.twinning.peering.PeeringConfig.Partner;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.twinning.notify.OutboxEvent;
import org.omatwin.core.twinning.notify.PeerOutbox;
import org.omatwin.core.infra.outbox.Delivery;
import org.omatwin.core.infra.outbox.JooqOutbox;
import org.omatwin.core.infra.outbox.OutboxMessage;
import org.omatwin.core.infra.outbox.Sender;
import org.omatwin.core.infra.outbox.Target;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.infra.storage.Ids;
import org.omatwin.core.twinning.Mno;
import org.omatwin.core.twinning.Peers;
import org.omatwin.core.twinning.Role;
import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.core.twinning.Twinning;
import org.omatwin.core.twinning.TwinningEvent;
import org.omatwin.proto.peering.v1.MnoPeeringServiceGrpc;
import org.omatwin.proto.peering.v1.PropagateDeactivationRequest;
import org.omatwin.proto.peering.v1.PropagateStatusRequest;
import org.omatwin.proto.peering.v1.RedeemActivationCodeRequest;
import org.omatwin.proto.peering.v1.RequestActivationCodeRequest;
import org.omatwin.proto.peering.v1.RequestActivationCodeResponse;
import org.omatwin.proto.peering.v1.UpdateSecondaryRequest;
import org.omatwin.proto.twinning.v1.ExceptionDetail;
import org.omatwin.proto.twinning.v1.RequestError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our side of calls to partner MNOs, over gRPC with mutual TLS 1.3 (our certificate, the partner's
 * trust anchors, its configured name checked against its server certificate). Every call has a
 * deadline. Synchronous calls serve activations ({@link Peers}); messages in the outbox carry later
 * changes ({@link PeerOutbox}), stored as JSON of the request and retried with the same request id.
 */
public final class PeerClient implements Peers, PeerOutbox, Sender, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerClient.class);
    private static final JsonFormat.TypeRegistry TYPES = JsonFormat.TypeRegistry.newBuilder()
            .add(List.of(UpdateSecondaryRequest.getDescriptor(), PropagateStatusRequest.getDescriptor(),
                    PropagateDeactivationRequest.getDescriptor()))
            .build();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().usingTypeRegistry(TYPES)
            .omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().usingTypeRegistry(TYPES);

    /** How long a call waits for a connection to a partner that is not connected. */
    private static final Duration CONNECT_WAIT = Duration.ofMillis(1_000);

    private final PeeringConfig config;
    private final Mno ownMno;
    private final Map<Mno, ManagedChannel> channels;
    private final Transactions<JooqOutbox> outbox;

    public PeerClient(PeeringConfig config, Mno ownMno, Transactions<JooqOutbox> outbox) {
        this.config = config;
        this.ownMno = ownMno;
        this.outbox = outbox;
        this.channels = config.partners().stream()
                .collect(Collectors.toUnmodifiableMap(Partner::mno, this::channel));
    }

    private ManagedChannel channel(Partner partner) {
        try {
            SslContext tls = GrpcSslContexts.forClient()
                    .keyManager(config.certificateChain().toFile(), config.privateKey().toFile())
                    .trustManager(partner.trustAnchors().toFile())
                    .protocols("TLSv1.3")
                    .build();
            return NettyChannelBuilder.forTarget(partner.endpoint())
                    .sslContext(tls)
                    // The server certificate must carry the partner's configured name.
                    .overrideAuthority(partner.certificateName())
                    .keepAliveTime(60, TimeUnit.SECONDS)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set up TLS towards partner " + partner.mno().id() + ": "
                    + e.getMessage(), e);
        }
    }

    private MnoPeeringServiceGrpc.MnoPeeringServiceBlockingStub blocking(Mno partner) {
        return MnoPeeringServiceGrpc.newBlockingStub(channelOf(partner))
                .withDeadlineAfter(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The partner's channel. After failed connections gRPC waits (with growing backoff) before trying
     * again; a call is a reason to try now, and to wait a moment for the connection, so that a partner
     * that is back is used at once. A partner that is down fails the call fast (no request waits for it
     * while holding database locks).
     */
    private ManagedChannel channelOf(Mno partner) {
        ManagedChannel channel = channels.get(partner);
        if (channel == null) {
            throw Peers.notPartner(partner);
        }
        long deadline = System.nanoTime() + CONNECT_WAIT.toNanos();
        ConnectivityState state = channel.getState(true);
        while (state != ConnectivityState.READY && System.nanoTime() < deadline) {
            if (state == ConnectivityState.TRANSIENT_FAILURE) {
                channel.resetConnectBackoff();
            }
            java.util.concurrent.CountDownLatch changed = new java.util.concurrent.CountDownLatch(1);
            channel.notifyWhenStateChanged(state, changed::countDown);
            try {
                changed.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            state = channel.getState(true);
        }
        return channel;
    }

    @Override
    public boolean isPartner(Mno mno) {
        return channels.containsKey(mno);
    }

    @Override
    public IssuedCode requestCode(Mno partner, String requestId, DeviceAddress secondary) {
        RequestActivationCodeResponse r = call(partner, () -> blocking(partner).requestActivationCode(
                RequestActivationCodeRequest.newBuilder()
                        .setRequestId(requestId)
                        .setSecondaryAddress(secondary.value())
                        .build()));
        Mno issuer = new Mno(r.getMcc(), r.getMnc());
        if (!issuer.equals(partner) || !r.getCode().matches("[0-9]{6}") || !r.hasExpiryTime()) {
            LOG.warn("partner {} answered an activation code request with an invalid code", partner.id());
            throw unavailable(partner);
        }
        return new IssuedCode(r.getCode(), issuer,
                Instant.ofEpochSecond(r.getExpiryTime().getSeconds(), r.getExpiryTime().getNanos()));
    }

    @Override
    public DeviceAddress redeem(Mno partner, String requestId, String code, DeviceAddress primary) {
        String secondary = call(partner, () -> blocking(partner).redeemActivationCode(
                RedeemActivationCodeRequest.newBuilder()
                        .setRequestId(requestId)
                        .setCode(code)
                        .setPrimaryAddress(primary.value())
                        .build())).getSecondaryAddress();
        if (!DeviceAddress.isValid(secondary) || !serves(partner, new DeviceAddress(secondary))) {
            // The partner has committed its side; ours will not. Its undo is queued (prepareUndo), due
            // only after the call timeout: ask for it at once so that its device does not show On
            // meanwhile (best effort, the queued one follows and finds nothing left to undo).
            LOG.warn("partner {} redeemed a code for an address outside its ranges", partner.id());
            undoNow(partner, requestId, primary);
            throw ApiException.of(ApiError.POLICY_LIMIT, "the partner MNO " + partner
                    + " issued this code to a device outside its address ranges; it cannot be twinned from here",
                    "activationCode");
        }
        return new DeviceAddress(secondary);
    }

    @Override
    public boolean serves(Mno partner, DeviceAddress device) {
        return config.partners().stream().filter(p -> p.mno().equals(partner)).anyMatch(p -> p.serves(device));
    }

    private void undoNow(Mno partner, String activationRequestId, DeviceAddress primary) {
        try {
            blocking(partner).propagateDeactivation(PropagateDeactivationRequest.newBuilder()
                    .setRequestId(Ids.newId())
                    .setPrimaryAddress(primary.value())
                    .setActorRole(Role.PRIMARY.omaName())
                    .setActivationRequestId(activationRequestId)
                    .build());
        } catch (RuntimeException e) {
            LOG.info("partner {} not told at once to undo activation {} (the queued undo follows): {}", partner.id(),
                    activationRequestId, e.getMessage());
        }
    }

    @Override
    public void updateSecondary(Mno partner, SecondaryUpdate update) {
        call(partner, () -> blocking(partner).updateSecondary(toRequest(update)));
    }

    private UpdateSecondaryRequest toRequest(SecondaryUpdate u) {
        UpdateSecondaryRequest.Builder b = UpdateSecondaryRequest.newBuilder()
                .setRequestId(u.requestId())
                .setSecondaryAddress(u.secondary().value())
                .setPrimaryAddress(u.primary().value())
                .setActivation(u.activation())
                .putAllServiceEndpoints(config.serviceEndpoints());
        Optional.ofNullable(u.name()).ifPresent(b::setName);
        Optional.ofNullable(u.authCode()).ifPresent(b::setAuthCode);
        Optional.ofNullable(u.primaryVoiceMail()).map(DeviceAddress::value).ifPresent(b::setPrimaryVmAddress);
        return b.build();
    }

    @Override
    public void prepareUndo(Mno partner, String requestId, DeviceAddress secondary, DeviceAddress primary) {
        String id = Ids.newId();
        PropagateDeactivationRequest.Builder undo = PropagateDeactivationRequest.newBuilder()
                .setRequestId(id)
                .setPrimaryAddress(primary.value())
                .setActorRole(Role.PRIMARY.omaName())
                .setActivationRequestId(requestId);
        Optional.ofNullable(secondary).map(DeviceAddress::value).ifPresent(undo::setSecondaryAddress);
        // Due once the activation has certainly either committed (and withdrawn it) or failed.
        outbox.inTransaction(queue -> {
            Instant now = Instant.now();
            queue.enqueue(PeerOutbox.undo(requestId, id, partner, primary, json(undo.build()), now), now,
                    now.plus(config.callTimeout()).plusSeconds(30));
            return null;
        });
    }

    /** Runs a synchronous call; failures become the contract's errors for our device. */
    private <T> T call(Mno partner, java.util.function.Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            throw translate(partner, e);
        }
    }

    /**
     * The partner's refusal of a request about the device's own data is passed on (a wrong code, a
     * secondary already twinned, too many attempts); anything else means the partner cannot serve us
     * now: SVC0001 (503), never the partner's internals.
     */
    private ApiException translate(Mno partner, StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null) {
            status = com.google.rpc.Status.getDefaultInstance();
        }
        Optional<ExceptionDetail> detail = detail(status);
        String id = detail.map(ExceptionDetail::getMessageId).orElse("");
        if (code == Status.Code.NOT_FOUND) {
            return ApiException.of(ApiError.INVALID_INPUT, "the activation code is no longer valid at MNO " + partner,
                    "activationCode");
        }
        if (detail.isPresent()) {
            List<String> variables = detail.get().getVariablesList();
            if (id.equals("SVC0002") && variables.contains("activationCode")) {
                return ApiException.of(ApiError.INVALID_INPUT, detail.get().getText(), "activationCode");
            }
            if (id.equals("POL2005")) {
                return ApiException.rateLimited("too many wrong activation codes, try again later",
                        retryAfter(status),
                        "activationCode");
            }
            if (id.equals("POL2000") || id.equals("POL1037")) {
                return ApiException.of(ApiError.valueOf(id), detail.get().getText(),
                        variables.toArray(String[]::new));
            }
        }
        if (code == Status.Code.PERMISSION_DENIED || code == Status.Code.INVALID_ARGUMENT
                || code == Status.Code.FAILED_PRECONDITION) {
            // The partner refused this request for good (e.g. a device outside the ranges it accepts
            // from us): a 4xx the device can act on, never "retry later". A contract policy id of the
            // partner passes through, except those about tokens and rate limits, which are ours.
            ApiError mapped = code == Status.Code.INVALID_ARGUMENT ? ApiError.INVALID_INPUT : ApiError.POLICY_LIMIT;
            for (ApiError known : ApiError.values()) {
                if (code != Status.Code.INVALID_ARGUMENT && known.isPolicy() && known.messageId().equals(id)
                        && known != ApiError.NOT_PERMITTED && known != ApiError.RATE_LIMITED) {
                    mapped = known;
                }
            }
            LOG.info("partner {} refused the call: {} {}", partner.id(), code, id);
            return ApiException.of(mapped, "the partner MNO " + partner + " refused the request (" + (id.isEmpty()
                    ? code.name().toLowerCase(java.util.Locale.ROOT) : id) + "); retrying will not help", "mno");
        }
        // Anything else is about the exchange between operators, not the device's request. Logged
        // without the partner's text (it may name subscribers).
        LOG.warn("partner {} did not serve the call: {} {}", partner.id(), code, id);
        return unavailable(partner);
    }

    private static ApiException unavailable(Mno partner) {
        return ApiException.of(ApiError.UNAVAILABLE, "the partner MNO " + partner + " cannot be reached, retry later",
                "mno");
    }

    private static Optional<ExceptionDetail> detail(com.google.rpc.Status status) {
        for (Any any : status.getDetailsList()) {
            if (any.is(RequestError.class)) {
                try {
                    RequestError error = any.unpack(RequestError.class);
                    return Optional.of(error.hasPolicyException() ? error.getPolicyException()
                            : error.getServiceException());
                } catch (InvalidProtocolBufferException ignored) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static Duration retryAfter(com.google.rpc.Status status) {
        for (Any any : status.getDetailsList()) {
            if (any.is(com.google.rpc.RetryInfo.class)) {
                try {
                    return Duration.ofSeconds(any.unpack(com.google.rpc.RetryInfo.class).getRetryDelay().getSeconds());
                } catch (InvalidProtocolBufferException ignored) {
                    break;
                }
            }
        }
        return Duration.ofSeconds(60);
    }

    // --- the outbox side ---

    @Override
    public List<OutboxMessage> messagesFor(OutboxEvent e) {
        Twinning t = e.twinning();
        if (e.event().origin() != null || t == null) {
            return List.of();
        }
        Optional<Mno> partner = t.partner(ownMno).filter(this::isPartner);
        if (partner.isEmpty()) {
            return List.of();
        }
        boolean weArePrimarySide = !ownMno.equals(t.secondaryMno());
        Role ours = weArePrimarySide ? Role.PRIMARY : Role.SECONDARY;
        DeviceAddress local = t.addressOf(ours);
        if (local == null) {
            return List.of();
        }
        String id = Ids.newId();
        Message request = switch (e.event().type()) {
            case ACTIVATED, RENAMED -> weArePrimarySide && t.primary() != null
                    // the authCode goes with the activation only: a rename must not show it again there
                    ? toRequest(new SecondaryUpdate(id, t.secondary(), t.primary(), t.name(),
                            e.event().type() == TwinningEvent.Type.ACTIVATED && t.authCode() != null
                                    ? t.authCode().value() : null,
                            t.primaryVoiceMailAddress(), false))
                    : null;
            case STATUS_CHANGED -> PropagateStatusRequest.newBuilder()
                    .setRequestId(id)
                    .setSecondaryAddress(t.secondary().value())
                    .setPrimaryAddress(t.primary().value())
                    .setTwinningStatus(e.event().status().omaName())
                    .setChangedTime(TwinningMapper.timestamp(e.event().occurredAt()))
                    .setActorRole(e.event().actorRole().omaName())
                    .build();
            // The activation id names this relationship, not a later one of the same two devices.
            case DEACTIVATED -> PropagateDeactivationRequest.newBuilder()
                    .setRequestId(id)
                    .setSecondaryAddress(t.secondary().value())
                    .setPrimaryAddress(t.primary() == null ? "" : t.primary().value())
                    .setActorRole(e.event().actorRole().omaName())
                    .setActivationRequestId(Optional.ofNullable(t.peer().activationRequestId()).orElse(""))
                    .build();
        };
        if (request == null) {
            return List.of();
        }
        String kind = switch (e.event().type()) {
            case ACTIVATED, RENAMED -> "peer.update";
            case STATUS_CHANGED -> "peer.status";
            case DEACTIVATED -> "peer.deactivate";
        };
        return List.of(PeerOutbox.about(t.id(), id, partner.get(), local, kind, json(request), e.eventId(),
                e.event().occurredAt()));
    }

    @Override
    public String targetKind() {
        return Target.Partner.KIND;
    }

    @Override
    public CompletableFuture<Outcome> send(Delivery delivery) {
        String body = delivery.body();
        Mno partner;
        try {
            partner = Mno.parse(((Target.Partner) delivery.target()).mno());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new Outcome.Rejected("not a partner MNO: " + e.getMessage()));
        }
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        ListenableFuture<? extends Message> sent;
        try {
            Any any = parse(body);
            MnoPeeringServiceGrpc.MnoPeeringServiceFutureStub stub = MnoPeeringServiceGrpc.newFutureStub(
                    channelOf(partner)).withDeadlineAfter(config.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (any.is(UpdateSecondaryRequest.class)) {
                sent = stub.updateSecondary(any.unpack(UpdateSecondaryRequest.class));
            } else if (any.is(PropagateStatusRequest.class)) {
                sent = stub.propagateStatus(any.unpack(PropagateStatusRequest.class));
            } else if (any.is(PropagateDeactivationRequest.class)) {
                sent = stub.propagateDeactivation(any.unpack(PropagateDeactivationRequest.class));
            } else {
                LOG.error("unknown message for partner {}: {}", partner.id(), any.getTypeUrl());
                return CompletableFuture.completedFuture(new Outcome.Rejected("unknown message kind"));
            }
        } catch (InvalidProtocolBufferException | ApiException e) {
            LOG.error("unreadable message for partner {}: {}", partner.id(), e.getMessage());
            return CompletableFuture.completedFuture(new Outcome.Rejected("unreadable message"));
        }
        Futures.addCallback(sent, new FutureCallback<Object>() {
            @Override
            public void onSuccess(Object result) {
                done.complete(Outcome.DELIVERED);
            }

            @Override
            public void onFailure(Throwable t) {
                Status status = Status.fromThrowable(t);
                switch (status.getCode()) {
                    // The relationship is gone there (ended on both sides meanwhile): nothing to apply.
                    case NOT_FOUND -> done.complete(Outcome.DELIVERED);
                    case INVALID_ARGUMENT, PERMISSION_DENIED, FAILED_PRECONDITION, UNIMPLEMENTED -> {
                        LOG.warn("partner {} refused a message for good: {}", partner.id(), status.getCode());
                        done.complete(new Outcome.Rejected("refused by the partner"));
                    }
                    default -> done.complete(new Outcome.Retry("partner " + partner.id() + " unreachable: "
                            + status.getCode()));
                }
            }
        }, MoreExecutors.directExecutor());
        return done;
    }

    @Override
    public Duration retryHorizon() {
        return Duration.ofDays(7);
    }

    private static String json(Message m) {
        try {
            return PRINTER.print(Any.pack(m));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Any parse(String json) throws InvalidProtocolBufferException {
        Any.Builder b = Any.newBuilder();
        PARSER.merge(json, b);
        return b.build();
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdown);
        for (ManagedChannel c : channels.values()) {
            try {
                if (!c.awaitTermination(5, TimeUnit.SECONDS)) {
                    c.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.shutdownNow();
            }
        }
    }
}
