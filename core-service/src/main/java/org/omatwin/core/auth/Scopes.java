package org.omatwin.core.auth;

import java.util.Map;
import java.util.Set;

/**
 * The OMA scope each RPC requires (contract section 5); {@code oma_rest_twinning.all_v1} covers every
 * device RPC. An RPC not listed here is refused: authorization fails closed.
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

    private static final String SERVICE = "oma.twinning.v1.TwinningService/";
    private static final Map<String, String> REQUIRED = Map.ofEntries(
            Map.entry(SERVICE + "CreateTwinning", ACTIVATE),
            Map.entry(SERVICE + "ListTwinnings", READ),
            Map.entry(SERVICE + "GetTwinning", READ),
            Map.entry(SERVICE + "GetTwinningStatus", READ),
            Map.entry(SERVICE + "GetTwinningName", READ),
            // a full replace or a rename changes the relationship like a toggle does
            Map.entry(SERVICE + "ReplaceTwinning", TOGGLE),
            Map.entry(SERVICE + "UpdateTwinningStatus", TOGGLE),
            Map.entry(SERVICE + "UpdateTwinningName", TOGGLE),
            Map.entry(SERVICE + "DeleteTwinning", DEACTIVATE),
            Map.entry(SERVICE + "CreateSubscription", SUBSCRIPTION),
            Map.entry(SERVICE + "ListSubscriptions", SUBSCRIPTION),
            Map.entry(SERVICE + "GetSubscription", SUBSCRIPTION),
            Map.entry(SERVICE + "DeleteSubscription", SUBSCRIPTION),
            Map.entry("oma.twinning.v1.TwinningEventService/WatchTwinningEvents", EVENTS));

    private Scopes() {}

    /** The scope the method needs, or null when the method is not a device API method. */
    public static String requiredFor(String fullMethodName) {
        return REQUIRED.get(fullMethodName);
    }

    public static boolean allows(Set<String> granted, String required) {
        return granted.contains(required) || (!EVENTS.equals(required) && granted.contains(ALL));
    }
}
