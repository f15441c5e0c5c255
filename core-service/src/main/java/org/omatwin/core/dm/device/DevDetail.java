package org.omatwin.core.dm.device;

import static org.omatwin.core.dm.device.DevInfo.or;

/** The DevDetail MO as the client reports it in Package#1 (2.2, 2.4); any element may be absent. */
public record DevDetail(String devTyp, String oem, String fwV, String swV, String hwV) {
    public static final DevDetail EMPTY = new DevDetail(null, null, null, null, null);

    public DevDetail mergedWith(DevDetail update) {
        if (update == null) {
            return this;
        }
        return new DevDetail(or(update.devTyp, devTyp), or(update.oem, oem), or(update.fwV, fwV),
                or(update.swV, swV), or(update.hwV, hwV));
    }
}
