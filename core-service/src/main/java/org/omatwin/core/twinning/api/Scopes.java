package org.omatwin.core.twinning.api;

/**
 * The OMA scopes of the twinning API (contract section 5). Which RPC needs which is declared next to
 * each RPC in the contract ({@code (oma.edge.v1.access)}) and enforced by the edge; these names are
 * for the tools and tests that issue tokens.
 */
public final class Scopes {
    public static final String ALL = "oma_rest_twinning.all_v1";
    public static final String ACTIVATE = "oma_rest_twinning.activate";
    public static final String READ = "oma_rest_twinning.read";
    public static final String TOGGLE = "oma_rest_twinning.toggle";
    public static final String DEACTIVATE = "oma_rest_twinning.deactivate";
    public static final String SUBSCRIPTION = "oma_rest_twinning.subscription";
    /** Server-side consumers (the portal) watching the event stream; never granted to devices. */
    public static final String EVENTS = "twinning.events";
    /** The claim binding a secondary's twinning token to its relationship (revoked with it, HLF-TE-004). */
    public static final String TWINNING_CLAIM = "twinning_id";

    private Scopes() {}
}
