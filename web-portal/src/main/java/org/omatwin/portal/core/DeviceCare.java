package org.omatwin.portal.core;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.omatwin.proto.portal.v1.CareOperation;
import org.omatwin.proto.portal.v1.CaredDevice;
import org.omatwin.proto.portal.v1.DeviceCareServiceGrpc;
import org.omatwin.proto.portal.v1.GetCaredDeviceRequest;
import org.omatwin.proto.portal.v1.InstallUpdateRequest;
import org.omatwin.proto.portal.v1.ListCaredDevicesRequest;
import org.omatwin.proto.portal.v1.ResendSettingsRequest;
import org.omatwin.proto.portal.v1.WatchCareOperationRequest;
import org.omatwin.proto.portal.v1.WatchCareOperationResponse;

/**
 * Device care for the signed-in subscriber (seed 003 UP1, UP3, UP4) over the core's DeviceCareService:
 * their devices as last reported, the updates available for each, installing one, sending the settings
 * again, and following what was started until it ends. Every failure arrives as a {@link CoreError} with
 * a human sentence; every outcome of an update has one too ({@link Progress#sentence}).
 */
public final class DeviceCare {
    /** A device on one of the subscriber's lines, as it last reported itself. */
    public record Device(String devId, String name, String line, String manufacturer, String model,
            String firmwareVersion, String softwareVersion, List<Software> software, List<String> configuration,
            Instant lastSeen, List<Update> updates, boolean hasSettings, Progress running) {

        /** How the portal names it: the subscriber's name for it, else its make and model. */
        public String label() {
            if (name != null) {
                return name;
            }
            String makeAndModel = ((manufacturer == null ? "" : manufacturer + " ") + (model == null ? "" : model)).strip();
            return makeAndModel.isEmpty() ? "device" : makeAndModel;
        }
    }

    public record Software(String id, String name, String version, String state) {}

    /** An update the device can install: {@code kind} firmware or software, {@code fromVersion} what it runs now. */
    public record Update(String packageId, String name, String kind, String version, String fromVersion, long size) {
        public boolean isFirmware() {
            return "firmware".equals(kind);
        }
    }

    /**
     * Where something the subscriber started stands: {@code state} as the core has it, the device's result
     * code once it sent one, and the firmware version the device's profile records now.
     */
    public record Progress(String operationId, String devId, String type, String packageName, String packageVersion,
            String state, Integer resultCode, String currentFirmwareVersion) {

        public boolean isFinal() {
            return !"Queued".equals(state) && !"Delivered".equals(state);
        }

        public boolean succeeded() {
            return "Succeeded".equals(state);
        }

        /** What is happening, or what happened, in one or two plain sentences about the device {@code label}. */
        public String sentence(String label) {
            boolean settings = "configure".equals(type);
            boolean firmware = "firmwareUpdate".equals(type);
            String what = settings ? "your settings" : "the update";
            return switch (state) {
                case "Queued" -> "Waiting for your " + label + " to connect. It picks up " + what
                        + " the next time it is online.";
                case "Delivered" -> settings ? "Your " + label + " is applying your settings."
                        : "Your " + label + " is downloading and installing the update. "
                                + (firmware ? "It restarts by itself; this takes a few minutes." : "This takes a few minutes.");
                case "Succeeded" -> settings ? "Your settings were sent to your " + label + " again."
                        : firmware ? "Your " + label + " now runs firmware "
                                + (currentFirmwareVersion != null ? currentFirmwareVersion : packageVersion) + "."
                        : packageName + " " + packageVersion + " is now installed on your " + label + ".";
                case "Failed" -> failure(label, settings);
                case "TimedOut" -> "Your " + label + " did not finish in time, so " + what
                        + " was not applied. Check that it is switched on and connected, then try again.";
                case "Rejected" -> "This update is not meant for your " + label + ", so nothing was sent to it.";
                case "Cancelled" -> "This was cancelled before it reached your " + label + ".";
                default -> "Something went wrong. Please try again later.";
            };
        }

        /** The device's own result code (FUMO and SCOMO generic alerts) as a sentence. */
        private String failure(String label, boolean settings) {
            String nothing = " Nothing was changed on your " + label + ".";
            if (resultCode == null || settings) {
                return (settings ? "Your " + label + " could not apply your settings." : "The update could not be "
                        + "installed.") + nothing + " Please try again later.";
            }
            return switch (resultCode) {
                case 402 -> "The update was damaged on its way to your " + label + ", so it was not installed."
                        + nothing + " Please try again.";
                case 403, 1405 -> "Your " + label + " reports that this update does not fit it, so it was not "
                        + "installed." + nothing;
                case 404, 1407 -> "Your " + label + " could not verify the update, so it did not install it."
                        + nothing;
                case 502, 1406 -> "Your " + label + " does not have enough free memory for this update."
                        + nothing + " Free some space on it and try again.";
                default -> "Your " + label + " could not install the update (error " + resultCode + ")." + nothing
                        + " Please try again later.";
            };
        }
    }

    private static final long DEADLINE_SECONDS = 10;

    private final ManagedChannel channel;
    private final Supplier<String> accessToken;

    DeviceCare(ManagedChannel channel, Supplier<String> accessToken) {
        this.channel = channel;
        this.accessToken = accessToken;
    }

    public List<Device> devices() {
        return call(() -> stub().listCaredDevices(ListCaredDevicesRequest.getDefaultInstance()).getDevicesList()
                .stream().map(DeviceCare::device).toList());
    }

    public Device device(String devId) {
        return call(() -> device(stub().getCaredDevice(GetCaredDeviceRequest.newBuilder().setDevId(devId).build())
                .getDevice()));
    }

    public Progress install(String devId, String packageId) {
        return call(() -> progress(stub().installUpdate(InstallUpdateRequest.newBuilder().setDevId(devId)
                .setPackageId(packageId).build()).getOperation()));
    }

    public Progress resendSettings(String devId) {
        return call(() -> progress(stub().resendSettings(ResendSettingsRequest.newBuilder().setDevId(devId).build())
                .getOperation()));
    }

    /**
     * Calls {@code onProgress} with the operation as it is now and at each change, from a gRPC thread,
     * until it is final or the returned handle is closed. A broken stream is reported once ({@code onBroken}).
     */
    public AutoCloseable follow(String operationId, Consumer<Progress> onProgress, Runnable onBroken) {
        Context.CancellableContext ctx = Context.current().withCancellation();
        var credentials = Bearer.of(accessToken.get());
        ctx.run(() -> DeviceCareServiceGrpc.newStub(channel).withCallCredentials(credentials).watchCareOperation(
                WatchCareOperationRequest.newBuilder().setOperationId(operationId).build(), new StreamObserver<>() {
                    private volatile boolean done;

                    @Override
                    public void onNext(WatchCareOperationResponse r) {
                        Progress p = progress(r.getOperation());
                        done = p.isFinal();
                        // outside the stream's context: calls the page makes in return are not cancelled with it
                        Context.ROOT.run(() -> onProgress.accept(p));
                    }

                    @Override
                    public void onError(Throwable t) {
                        if (!ctx.isCancelled()) {
                            Context.ROOT.run(onBroken);
                        }
                    }

                    @Override
                    public void onCompleted() {
                        if (!done) {
                            Context.ROOT.run(onBroken);
                        }
                    }
                }));
        return () -> ctx.cancel(null);
    }

    private DeviceCareServiceGrpc.DeviceCareServiceBlockingStub stub() {
        return DeviceCareServiceGrpc.newBlockingStub(channel).withCallCredentials(Bearer.of(accessToken.get()))
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private static <T> T call(Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            CoreError error = HumanErrors.of(e);
            if ("SVC2008".equals(error.messageId())) {
                // what is unknown: the device (not on the subscriber's lines), the package, the operation
                List<String> named = HumanErrors.variables(e);
                throw new CoreError(named.contains("packageId") ? "This is no longer available for this device. "
                        + "The page has been refreshed." : "This device is not on your lines any more.",
                        error.messageId());
            }
            throw error;
        } catch (IllegalStateException e) {
            throw new CoreError("Your session has expired. Please sign in again.", Status.Code.UNAUTHENTICATED.name());
        }
    }

    private static Device device(CaredDevice d) {
        return new Device(d.getDevId(), d.hasName() ? d.getName() : null, d.getLine(),
                d.hasManufacturer() ? d.getManufacturer() : null, d.hasModel() ? d.getModel() : null,
                d.hasFirmwareVersion() ? d.getFirmwareVersion() : null,
                d.hasSoftwareVersion() ? d.getSoftwareVersion() : null,
                d.getSoftwareList().stream().map(s -> new Software(s.getId(), s.hasName() ? s.getName() : null,
                        s.hasVersion() ? s.getVersion() : null, s.hasState() ? s.getState() : null)).toList(),
                d.getConfigurationList(),
                d.hasLastSeen() ? Instant.ofEpochSecond(d.getLastSeen().getSeconds(), d.getLastSeen().getNanos()) : null,
                d.getUpdatesList().stream().map(u -> new Update(u.getPackageId(), u.getName(), u.getKind(),
                        u.getVersion(), u.hasFromVersion() ? u.getFromVersion() : null, u.getSize())).toList(),
                d.getHasSettings(), d.hasRunning() ? progress(d.getRunning()) : null);
    }

    private static Progress progress(CareOperation o) {
        return new Progress(o.getOperationId(), o.getDevId(), o.getType(), o.hasPackageName() ? o.getPackageName() : null,
                o.hasPackageVersion() ? o.getPackageVersion() : null, o.getState(),
                o.hasResultCode() ? o.getResultCode() : null,
                o.hasCurrentFirmwareVersion() ? o.getCurrentFirmwareVersion() : null);
    }
}
