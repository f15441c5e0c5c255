package org.omatwin.core.dm.policy;

import java.util.Collection;
import java.util.Optional;
import org.omatwin.core.dm.policy.Pseudonyms.Pseudonym;

/** The pseudonyms given to each client, looked up by (client, pid); every call runs in the caller's transaction. */
public interface PseudonymStore {
    /** Keeps each pseudonym given to the client (already kept ones are left as they are). */
    void recordPseudonyms(String clientId, Collection<Pseudonym> given);

    Optional<Pseudonym> findPseudonym(String clientId, String pid);
}
