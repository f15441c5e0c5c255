package org.omatwin.core.twinning.support;

import java.util.ArrayList;
import java.util.List;
import org.omatwin.core.twinning.AuthCodeIssuer;
import org.omatwin.core.twinning.DeviceAddress;

/** An authorization server that mints "auth-1", "auth-2", ... and remembers for whom. */
public final class RecordingAuthCodes implements AuthCodeIssuer {
    public record Issued(DeviceAddress primary, DeviceAddress secondary, String twinningId, String code) {}

    private final List<Issued> issued = new ArrayList<>();

    @Override
    public synchronized String issue(DeviceAddress primary, DeviceAddress secondary, String twinningId) {
        String code = "auth-" + (issued.size() + 1);
        issued.add(new Issued(primary, secondary, twinningId, code));
        return code;
    }

    public synchronized List<Issued> issued() {
        return List.copyOf(issued);
    }
}
