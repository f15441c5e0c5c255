package org.omatwin.core.dm.policy;

import java.util.Map;
import java.util.Optional;

/**
 * Every external system's policy, by OAuth client id (dm-api.md section 6). A client without one
 * reaches nothing. The entry {@value #EVERY_OTHER_CLIENT}, when the operator writes one, applies to
 * every client not named (a single-tenant deployment); there is none by default. It never applies to a
 * secondary DM server (section 11: each has its own policy, or no access).
 */
public final class Policies {
    public static final String EVERY_OTHER_CLIENT = "*";
    /** The client ids of secondary DM servers (section 11): never an OAuth client's. */
    public static final String SECONDARY_SERVER_PREFIX = "secondary:";
    public static final Policies NONE = new Policies(Map.of());

    private final Map<String, ClientPolicy> byClient;

    public Policies(Map<String, ClientPolicy> byClient) {
        this.byClient = Map.copyOf(byClient);
    }

    /** The client's policy; the {@code *} entry's rules under the client's own id when it is not named. */
    public Optional<ClientPolicy> forClient(String clientId) {
        ClientPolicy own = byClient.get(clientId);
        if (own != null) {
            return Optional.of(own);
        }
        ClientPolicy other = byClient.get(EVERY_OTHER_CLIENT);
        return other == null || isSecondaryServer(clientId) ? Optional.empty() : Optional.of(new ClientPolicy(clientId, other.reach(),
                other.nodes(), other.pseudonyms(), other.requestsPerSecond(), other.burst()));
    }

    /** Whether the client id is a secondary DM server's (known by its certificate, never by a token). */
    public static boolean isSecondaryServer(String clientId) {
        return clientId.startsWith(SECONDARY_SERVER_PREFIX);
    }

    /** Whether some client sees pseudonyms only (then every instance needs the operator's pseudonym key). */
    public boolean anyPseudonymous() {
        return byClient.values().stream().anyMatch(ClientPolicy::pseudonyms);
    }

    public int size() {
        return byClient.size();
    }
}
