package org.omatwin.core.dm.session;

import java.time.Instant;
import java.util.List;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.operation.SessionMode;

/**
 * A DM session of one device. Pending, it is only a promise of work of one {@link SessionMode};
 * starting it binds the work and cuts it into packages, whose ids are {@code packageIds}: the first
 * is the session's own id, under which it is listed (2.1). {@code currentPackage} is the package the
 * device has and must report next.
 */
public record Session(String sessionId, DevId devId, SessionMode mode, SessionState state, SessionResult result,
        Instant createdTime, Instant startedTime, Instant endTime, String endReason, List<String> packageIds,
        int currentPackage, boolean anyFailure) {

    public Session {
        packageIds = List.copyOf(packageIds);
    }

    public static Session pending(String sessionId, DevId devId, SessionMode mode, Instant now) {
        return new Session(sessionId, devId, mode, SessionState.PENDING, SessionResult.PENDING, now, null, null, null,
                List.of(), 0, false);
    }

    public boolean belongsTo(DevId device) {
        return devId.equals(device);
    }

    public String currentPackageId() {
        return packageIds.get(currentPackage);
    }

    /** The oldest waiting work decides what the pending session promises. */
    public Session withMode(SessionMode newMode) {
        return new Session(sessionId, devId, newMode, state, result, createdTime, startedTime, endTime, endReason,
                packageIds, currentPackage, anyFailure);
    }

    public Session started(List<String> packages, Instant now) {
        return new Session(sessionId, devId, mode, SessionState.STARTED, null, createdTime, now, null, null, packages,
                0, false);
    }

    public Session reported(boolean failure, boolean nextPackage) {
        return new Session(sessionId, devId, mode, state, result, createdTime, startedTime, endTime, endReason,
                packageIds, nextPackage ? currentPackage + 1 : currentPackage, anyFailure || failure);
    }

    /** OK or Failure after the last package's report. */
    public Session completed(Instant now) {
        return ended(anyFailure ? SessionResult.FAILURE : SessionResult.OK, null, now);
    }

    public Session ended(SessionResult end, String reason, Instant now) {
        return new Session(sessionId, devId, mode, SessionState.ENDED, end, createdTime, startedTime, now, reason,
                packageIds, currentPackage, anyFailure);
    }
}
