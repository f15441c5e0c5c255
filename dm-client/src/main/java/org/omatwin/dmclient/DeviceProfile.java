package org.omatwin.dmclient;

import java.util.Objects;

/**
 * What a new device writes into DevInfo and DevDetail when its tree is created.
 *
 * @param devId a URN: {@code urn:imei:} + 15 digits, {@code urn:uuid:} + UUID, or an RFC 9039 {@code urn:dev:}
 */
public record DeviceProfile(String devId, String manufacturer, String model, String language, String deviceType,
                            String oem, String firmwareVersion, String softwareVersion, String hardwareVersion) {

    public DeviceProfile {
        Objects.requireNonNull(devId, "devId");
        if (!devId.startsWith("urn:")) {
            throw new IllegalArgumentException("devId must be a URN (urn:imei:, urn:uuid: or urn:dev:), got " + devId);
        }
    }

    /** The reference device's defaults for everything but {@code devId}. */
    public static DeviceProfile defaults(String devId) {
        return new DeviceProfile(devId, "OMA Twin", "DM2-Reference", "en", "smartphone", "OMA Twin", "1.0.0",
                "1.0.0", "A");
    }

    public DeviceProfile withManufacturer(String value) {
        return new DeviceProfile(devId, value, model, language, deviceType, value, firmwareVersion, softwareVersion,
                hardwareVersion);
    }

    public DeviceProfile withModel(String value) {
        return new DeviceProfile(devId, manufacturer, value, language, deviceType, oem, firmwareVersion,
                softwareVersion, hardwareVersion);
    }

    public DeviceProfile withFirmwareVersion(String value) {
        return new DeviceProfile(devId, manufacturer, model, language, deviceType, oem, value, softwareVersion,
                hardwareVersion);
    }
}
