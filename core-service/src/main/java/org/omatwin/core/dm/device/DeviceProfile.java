package org.omatwin.core.dm.device;

import java.time.Instant;
import java.util.List;

/**
 * What the server knows of a device without contacting it (ES11, CC5): the last {@code sessionStart}
 * (DevInfo, DevDetail, supported MOs), the line its token last proved (the {@code msisdn} claim) and
 * when the device was last seen. The last known tree values are kept next to it, per node, in
 * {@link DeviceStore#putNodeValues}.
 */
public record DeviceProfile(DevId devId, DevInfo devInfo, DevDetail devDetail, List<String> supportedMOs,
        Line line, Instant lastSeen) {

    public DeviceProfile {
        supportedMOs = supportedMOs == null ? List.of() : List.copyOf(supportedMOs);
    }

    public static DeviceProfile unknown(DevId devId) {
        return new DeviceProfile(devId, DevInfo.EMPTY, DevDetail.EMPTY, List.of(), null, null);
    }

    /**
     * A Package#1: every element given replaces the stored one (2.2). A line proven by the token moves
     * the device there (the latest proof wins, section 3); a token without one leaves the line as it was.
     */
    public DeviceProfile started(DevInfo info, DevDetail detail, List<String> mos, Line provenLine, Instant now) {
        return new DeviceProfile(devId, devInfo.mergedWith(info), devDetail.mergedWith(detail),
                mos != null ? mos : supportedMOs, provenLine != null ? provenLine : line, now);
    }

    public DeviceProfile seen(Instant now) {
        return new DeviceProfile(devId, devInfo, devDetail, supportedMOs, line, now);
    }

    /** Proven on {@code proven} (a one-time code, provisioning): the latest proof wins (section 3). */
    public DeviceProfile boundTo(Line proven) {
        return new DeviceProfile(devId, devInfo, devDetail, supportedMOs, proven, lastSeen);
    }

    /** The binding ends (unregistered, or no longer provisioned); the profile stays. */
    public DeviceProfile unbound() {
        return new DeviceProfile(devId, devInfo, devDetail, supportedMOs, null, lastSeen);
    }

    /** The device reported a profile (a session was started), not merely named by an operation. */
    public boolean wasSeen() {
        return lastSeen != null;
    }

    public Binding binding() {
        return Binding.of(line);
    }
}
