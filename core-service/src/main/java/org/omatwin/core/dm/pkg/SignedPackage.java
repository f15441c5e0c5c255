package org.omatwin.core.dm.pkg;

import java.time.Instant;
import java.util.Objects;

/**
 * A signed container (root {@code package}, section 8) registered by one external system, visible only
 * to it ({@code clientId}). Immutable: {@link #verified} and {@link #rejected} return the next state.
 */
public record SignedPackage(String packageId, String clientId, PackageMetadata metadata, String signature,
        PackageState state, String rejectReason, Instant createdTime, Instant updatedTime) {

    public SignedPackage {
        Objects.requireNonNull(packageId);
        Objects.requireNonNull(clientId);
        Objects.requireNonNull(metadata);
        Objects.requireNonNull(state);
    }

    public static SignedPackage registered(String packageId, String clientId, PackageMetadata metadata,
            String signature, Instant now) {
        return new SignedPackage(packageId, clientId, metadata, signature, PackageState.AWAITING_CONTENT, null, now,
                now);
    }

    public SignedPackage verified(Instant now) {
        return new SignedPackage(packageId, clientId, metadata, signature, PackageState.VERIFIED, null, createdTime,
                now);
    }

    public SignedPackage rejected(String reason, Instant now) {
        return new SignedPackage(packageId, clientId, metadata, signature, PackageState.REJECTED, reason, createdTime,
                now);
    }

    public boolean isVerified() {
        return state == PackageState.VERIFIED;
    }
}
