package org.omatwin.core.dm.account;

import java.time.Instant;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.Line;

/**
 * A device an account registered on one of its lines (section 3), with the name it gave it and the
 * outstanding one-time code (its hash, expiry and wrong attempts; null hash: none outstanding).
 * {@link #toString()} leaves the hash out.
 */
public record Registration(String subscriberId, DevId devId, Line line, String name, String codeHash,
        Instant codeExpiresAt, int codeFailures, String codeOperation, Instant createdTime) {

    static Registration named(String subscriberId, DevId devId, Line line, String name, Instant now) {
        return new Registration(subscriberId, devId, line, name, null, null, 0, null, now);
    }

    Registration withCode(Line newLine, String newName, String hash, Instant expiry, String operationId) {
        return new Registration(subscriberId, devId, newLine, newName, hash, expiry, 0, operationId, createdTime);
    }

    Registration withName(String newName) {
        return new Registration(subscriberId, devId, line, newName, codeHash, codeExpiresAt, codeFailures,
                codeOperation, createdTime);
    }

    Registration withFailure() {
        return new Registration(subscriberId, devId, line, name, codeHash, codeExpiresAt, codeFailures + 1,
                codeOperation, createdTime);
    }

    /** The code was entered: none is outstanding any more. */
    Registration proven(Line provenLine) {
        return new Registration(subscriberId, devId, provenLine, name, null, null, 0, null, createdTime);
    }

    boolean codeUsable(Instant now, int maxFailures) {
        return codeHash != null && codeExpiresAt != null && now.isBefore(codeExpiresAt) && codeFailures < maxFailures;
    }

    @Override
    public String toString() {
        return "Registration[" + subscriberId + ", " + devId + ", " + line + "]";
    }
}
