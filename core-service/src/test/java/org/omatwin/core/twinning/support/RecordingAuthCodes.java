package org.omatwin.core.twinning.support;

import java.util.ArrayList;
import java.util.List;
import org.omatwin.core.twinning.AuthCodeIssuer;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Twinning;

/** An authorization server that mints "auth-1", "auth-2", ... and remembers for whom. */
public final class RecordingAuthCodes implements AuthCodeIssuer {
    public record Issued(DeviceAddress primary, DeviceAddress secondary, String twinningId, String code) {}

    /** The lifetime the embedded authorization server gives by default. */
    public static final java.time.Duration LIFETIME = java.time.Duration.ofMinutes(5);

    private final List<Issued> issued = new ArrayList<>();
    private final java.time.Clock lifetimeFrom;

    public RecordingAuthCodes() {
        this(java.time.Clock.systemUTC());
    }

    /** Codes that expire {@link #LIFETIME} after {@code clock}'s time of issue. */
    public RecordingAuthCodes(java.time.Clock clock) {
        this.lifetimeFrom = clock;
    }

    @Override
    public synchronized Twinning.AuthCode issue(DeviceAddress primary, DeviceAddress secondary, String twinningId) {
        String code = "auth-" + (issued.size() + 1);
        issued.add(new Issued(primary, secondary, twinningId, code));
        return new Twinning.AuthCode(code, lifetimeFrom.instant().plus(LIFETIME));
    }

    private final java.util.Set<String> exchanged = new java.util.HashSet<>();

    /** The secondary exchanged the code at the authorization server. */
    public synchronized void exchange(String code) {
        exchanged.add(code);
    }

    @Override
    public synchronized boolean isRedeemable(String code) {
        return !exchanged.contains(code);
    }

    public synchronized List<Issued> issued() {
        return List.copyOf(issued);
    }
}
