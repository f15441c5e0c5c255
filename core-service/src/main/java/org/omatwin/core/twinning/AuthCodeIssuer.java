package org.omatwin.core.twinning;

/**
 * HLF-SD-009: the primary's authorization server, asked on activation for an OAuth authorization code
 * bound to the secondary, which the secondary exchanges for a token to use the primary's services.
 */
@FunctionalInterface
public interface AuthCodeIssuer {
    /** No authorization server configured: activations carry no authCode. */
    AuthCodeIssuer NONE = (primary, secondary, twinningId) -> null;

    /** The code and its expiry, or null when none could be obtained (the activation stands without it). */
    Twinning.AuthCode issue(DeviceAddress primary, DeviceAddress secondary, String twinningId);

    /**
     * Whether the code can still be exchanged (not yet exchanged, not expired); true when that cannot
     * be learnt (the code then shows until its expiry).
     */
    default boolean isRedeemable(String code) {
        return true;
    }
}
