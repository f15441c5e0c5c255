package org.omatwin.core.twinning.activation;

import java.time.Instant;

/** The codes pending relationships hold, by hash: what a fresh code must not collide with. */
public interface CodeSpace {
    /** Frees the hash if the relationship holding it has expired (its code can be drawn again). */
    void releaseExpiredCode(String codeHash, Instant now);

    boolean isCodeHashInUse(String codeHash);
}
