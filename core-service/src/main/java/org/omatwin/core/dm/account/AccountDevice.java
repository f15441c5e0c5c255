package org.omatwin.core.dm.account;

import org.omatwin.core.dm.device.Binding;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.Line;

/**
 * A device as its account sees it (section 3): {@code profile} only when the device is proven on one of
 * the account's lines ({@code Confirmed}); an {@code Unconfirmed} registration shows what the account
 * itself gave (devId, line, name) and nothing the device reported.
 */
public record AccountDevice(DevId devId, String name, Line line, Binding binding, DeviceProfile profile,
        int pendingSessions) {}
