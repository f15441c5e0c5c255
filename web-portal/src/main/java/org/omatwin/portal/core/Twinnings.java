package org.omatwin.portal.core;

import io.grpc.CallCredentials;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.omatwin.proto.portal.v1.ActivateDeviceRequest;
import org.omatwin.proto.portal.v1.DeactivateTwinningRequest;
import org.omatwin.proto.portal.v1.GetTwinningHistoryRequest;
import org.omatwin.proto.portal.v1.HistoryEntry;
import org.omatwin.proto.portal.v1.ListLinesRequest;
import org.omatwin.proto.portal.v1.RenameTwinningRequest;
import org.omatwin.proto.portal.v1.SetTwinningStatusRequest;
import org.omatwin.proto.portal.v1.SubscriberServiceGrpc;
import org.omatwin.proto.portal.v1.TwinnedDevice;
import org.omatwin.proto.portal.v1.WatchChangesRequest;
import org.omatwin.proto.portal.v1.WatchChangesResponse;

/**
 * The service the views call: what one signed-in subscriber can do, over the core's SubscriberService.
 * Every failure arrives as a {@link CoreError} with a human sentence.
 */
public final class Twinnings {
    /** A line the subscriber owns, their nickname for it ("" for none) and the devices twinned with it. */
    public record Line(String address, String nickname, List<Device> devices) {
        public Line(String address, List<Device> devices) {
            this(address, "", devices);
        }
    }

    /** The subscriber's lines and how many devices one line may have. */
    public record Lines(List<Line> lines, int maxDevicesPerLine) {}

    /** A twinned device as the portal shows it. */
    public record Device(String twinningId, String name, String address, String role, String status,
            Instant since, String mno) {
        public boolean isOn() {
            return "On".equals(status);
        }
    }

    /** One change in a twinning's history. */
    public record Change(String eventType, String actorRole, String actorAddress, String status, String name,
            Instant at) {}

    private static final long DEADLINE_SECONDS = 10;

    private final ManagedChannel channel;
    private final Supplier<String> accessToken;

    Twinnings(ManagedChannel channel, Supplier<String> accessToken) {
        this.channel = channel;
        this.accessToken = accessToken;
    }

    public List<Line> lines() {
        return linesWithLimit().lines();
    }

    public Lines linesWithLimit() {
        return call(() -> {
            var r = stub().listLines(ListLinesRequest.getDefaultInstance());
            return new Lines(r.getLinesList().stream().map(l -> new Line(l.getAddress(), l.getNickname(),
                    l.getDevicesList().stream().map(Twinnings::device).toList())).toList(), r.getMaxDevicesPerLine());
        });
    }

    /** The subscriber's own name for a line; empty removes it. */
    public String setNickname(String line, String nickname) {
        return call(() -> stub().setLineNickname(org.omatwin.proto.portal.v1.SetLineNicknameRequest.newBuilder()
                .setLineAddress(line).setNickname(nickname == null ? "" : nickname.strip()).build()).getNickname());
    }

    public Device activate(String line, String code, String name) {
        return call(() -> device(stub().activateDevice(ActivateDeviceRequest.newBuilder().setLineAddress(line)
                .setActivationCode(code == null ? "" : code.strip()).setName(name == null ? "" : name.strip())
                .build()).getDevice()));
    }

    public Device setOn(String twinningId, boolean on) {
        return call(() -> device(stub().setTwinningStatus(SetTwinningStatusRequest.newBuilder()
                .setTwinningId(twinningId).setStatus(on ? "On" : "Off").build()).getDevice()));
    }

    public Device rename(String twinningId, String name) {
        return call(() -> device(stub().renameTwinning(RenameTwinningRequest.newBuilder().setTwinningId(twinningId)
                .setName(name == null ? "" : name.strip()).build()).getDevice()));
    }

    public void remove(String twinningId) {
        call(() -> stub().deactivateTwinning(DeactivateTwinningRequest.newBuilder().setTwinningId(twinningId)
                .build()));
    }

    /** Newest first. */
    public List<Change> history(String twinningId) {
        return call(() -> stub().getTwinningHistory(GetTwinningHistoryRequest.newBuilder().setTwinningId(twinningId)
                .build()).getEntriesList().stream().map(Twinnings::change).toList());
    }

    /**
     * Calls {@code onChange} with the twinning id whenever one of the subscriber's twinnings changes,
     * from a gRPC thread, until the returned handle is closed. A broken stream is reported once
     * ({@code onBroken}); the page then offers a refresh.
     */
    public AutoCloseable watch(java.util.function.Consumer<String> onChange, Runnable onBroken) {
        Context.CancellableContext ctx = Context.current().withCancellation();
        ctx.run(() -> SubscriberServiceGrpc.newStub(channel).withCallCredentials(credentials())
                .watchChanges(WatchChangesRequest.getDefaultInstance(), new StreamObserver<>() {
                    @Override
                    public void onNext(WatchChangesResponse change) {
                        onChange.accept(change.getTwinningId());
                    }

                    @Override
                    public void onError(Throwable t) {
                        if (!ctx.isCancelled()) {
                            onBroken.run();
                        }
                    }

                    @Override
                    public void onCompleted() {
                        onBroken.run();
                    }
                }));
        return () -> ctx.cancel(null);
    }

    private SubscriberServiceGrpc.SubscriberServiceBlockingStub stub() {
        return SubscriberServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials())
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private CallCredentials credentials() {
        return Bearer.of(accessToken.get());
    }

    private static <T> T call(Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            throw HumanErrors.of(e);
        } catch (IllegalStateException e) {
            // no token could be had (the session ended at the identity provider)
            throw new CoreError("Your session has expired. Please sign in again.", Status.Code.UNAUTHENTICATED.name());
        }
    }

    private static Device device(TwinnedDevice d) {
        return new Device(d.getTwinningId(), d.getName(), d.getAddress(), d.getRole(), d.getStatus(),
                d.hasSince() ? Instant.ofEpochSecond(d.getSince().getSeconds(), d.getSince().getNanos()) : null,
                d.getMcc().isEmpty() ? "" : d.getMcc() + "-" + d.getMnc());
    }

    private static Change change(HistoryEntry e) {
        return new Change(e.getEventType(), e.getActorRole(), e.getActorAddress(), e.getStatus(), e.getName(),
                Instant.ofEpochSecond(e.getOccurredAt().getSeconds(), e.getOccurredAt().getNanos()));
    }
}
