package org.omatwin.portal.core;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.omatwin.proto.portal.v1.DeviceAccountServiceGrpc;
import org.omatwin.proto.portal.v1.GetAccountDeviceRequest;
import org.omatwin.proto.portal.v1.ListAccountDevicesRequest;
import org.omatwin.proto.portal.v1.RegisterAccountDeviceRequest;
import org.omatwin.proto.portal.v1.UnregisterAccountDeviceRequest;
import org.omatwin.proto.portal.v1.UpdateAccountDeviceRequest;

/**
 * The signed-in subscriber's DM account (dm-api.md section 3) over the core's DeviceAccountService:
 * register a device on one of their lines, confirm it with the code it shows, rename, unregister.
 * Every failure arrives as a {@link CoreError} with a human sentence.
 */
public final class DeviceAccount {
    /** A device as its account sees it; what it reported only once Confirmed. */
    public record Device(String devId, String name, String line, boolean confirmed, String manufacturer,
            String model, String firmwareVersion, Instant lastSeen) {}

    /** The account's devices, and its lines (where a device may be registered). */
    public record Overview(List<Device> devices, List<String> lines) {}

    private final ManagedChannel channel;
    private final Supplier<String> accessToken;

    DeviceAccount(ManagedChannel channel, Supplier<String> accessToken) {
        this.channel = channel;
        this.accessToken = accessToken;
    }

    public Overview overview() {
        return call(() -> {
            var r = stub().listAccountDevices(ListAccountDevicesRequest.getDefaultInstance());
            return new Overview(r.getDevicesList().stream().map(DeviceAccount::device).toList(), r.getLinesList());
        }, null);
    }

    public Device register(String devId, String line, String name) {
        var b = RegisterAccountDeviceRequest.newBuilder().setDevId(devId == null ? "" : devId.strip())
                .setLine(line == null ? "" : line);
        if (name != null && !name.isBlank()) {
            b.setName(name.strip());
        }
        return call(() -> device(stub().registerAccountDevice(b.build()).getDevice()), "register");
    }

    public Device get(String devId) {
        return call(() -> device(stub().getAccountDevice(GetAccountDeviceRequest.newBuilder().setDevId(devId)
                .build()).getDevice()), null);
    }

    public Device rename(String devId, String name) {
        return call(() -> device(stub().updateAccountDevice(UpdateAccountDeviceRequest.newBuilder().setDevId(devId)
                .setName(name == null ? "" : name.strip()).build()).getDevice()), "name");
    }

    public Device confirm(String devId, String code) {
        return call(() -> device(stub().updateAccountDevice(UpdateAccountDeviceRequest.newBuilder().setDevId(devId)
                .setCode(code == null ? "" : code.strip()).build()).getDevice()), "code");
    }

    public void unregister(String devId) {
        call(() -> stub().unregisterAccountDevice(UnregisterAccountDeviceRequest.newBuilder().setDevId(devId)
                .build()), null);
    }

    private DeviceAccountServiceGrpc.DeviceAccountServiceBlockingStub stub() {
        return DeviceAccountServiceGrpc.newBlockingStub(channel).withCallCredentials(Bearer.of(accessToken.get()))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** @param action what the subscriber was doing, for the sentence of an invalid input */
    private static <T> T call(Supplier<T> rpc, String action) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            CoreError error = HumanErrors.of(e);
            String sentence = switch (error.messageId()) {
                case "SVC0002", "SVC2006" -> switch (action == null ? "" : action) {
                    case "code" -> "That code is wrong, expired or was entered wrongly too often. Check the code "
                            + "on the device, or register the device again for a new code.";
                    case "name" -> "A name has 1 to 64 characters.";
                    case "register" -> "Please enter the device's identifier (for example urn:imei: and its 15 "
                            + "digits) and choose one of your lines.";
                    default -> error.getMessage();
                };
                case "SVC2008" -> "There is no such device in your account.";
                case "SVC0004" -> "That line is not one of yours.";
                default -> error.getMessage();
            };
            throw new CoreError(sentence, error.messageId());
        } catch (IllegalStateException e) {
            throw new CoreError("Your session has expired. Please sign in again.", Status.Code.UNAUTHENTICATED.name());
        }
    }

    private static Device device(org.omatwin.proto.portal.v1.AccountDevice d) {
        return new Device(d.getDevId(), d.hasName() ? d.getName() : null, d.hasLine() ? d.getLine() : null,
                "Confirmed".equals(d.getBinding()), d.hasManufacturer() ? d.getManufacturer() : null,
                d.hasModel() ? d.getModel() : null, d.hasFirmwareVersion() ? d.getFirmwareVersion() : null,
                d.hasLastSeen() ? Instant.ofEpochSecond(d.getLastSeen().getSeconds(), d.getLastSeen().getNanos())
                        : null);
    }
}
