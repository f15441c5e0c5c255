package org.omatwin.core.dm.pkg;

import java.util.List;
import java.util.Optional;
import org.omatwin.core.dm.device.DeviceProfile;

/**
 * The devices a package is made for (section 8): a manufacturer and model (DevInfo Man, Mod) and,
 * for an update, the versions it applies to (DevDetail FwV for firmware, SwV otherwise). An absent
 * element matches any device; an absent or empty {@code fromVersions} matches any version.
 */
public record PackageTargets(String man, String mod, List<String> fromVersions) {

    public PackageTargets {
        fromVersions = fromVersions == null ? List.of() : List.copyOf(fromVersions);
    }

    /** Why the device is outside these targets, or empty when it is inside. */
    public Optional<String> mismatch(DeviceProfile device, PackageKind kind) {
        if (man != null && !man.equals(device.devInfo().man())) {
            return Optional.of("the device's manufacturer " + quoted(device.devInfo().man()) + " is not " + quoted(man));
        }
        if (mod != null && !mod.equals(device.devInfo().mod())) {
            return Optional.of("the device's model " + quoted(device.devInfo().mod()) + " is not " + quoted(mod));
        }
        String version = kind == PackageKind.FIRMWARE ? device.devDetail().fwV() : device.devDetail().swV();
        if (!fromVersions.isEmpty() && !fromVersions.contains(version)) {
            return Optional.of("the device's version " + quoted(version) + " is not one of " + fromVersions);
        }
        return Optional.empty();
    }

    private static String quoted(String value) {
        return value == null ? "(unreported)" : "\"" + value + "\"";
    }
}
