package org.omatwin.core.infra.edge.auth;

import java.util.Map;
import java.util.Set;

/**
 * Who is calling, as the edge authenticated it: the token's subject (a device address, a devId, a
 * subscriber, an OAuth client), its scopes and the other claims an API may need (twinning_id, msisdn).
 */
public record Caller(String subject, Set<String> scopes, Map<String, String> claims) {
    public Caller {
        scopes = Set.copyOf(scopes);
        claims = Map.copyOf(claims);
    }

    /** A caller named without a token (the development header): no scopes, no claims. */
    public static Caller named(String subject) {
        return new Caller(subject, Set.of(), Map.of());
    }

    public String claim(String name) {
        return claims.get(name);
    }
}
