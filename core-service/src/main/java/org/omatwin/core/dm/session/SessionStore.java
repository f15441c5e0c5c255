package org.omatwin.core.dm.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.operation.OperationStore;

/** Sessions and their packages; every call runs inside the caller's transaction. */
public interface SessionStore extends OperationStore {

    void insertSession(Session session);

    void updateSession(Session session);

    Optional<Session> findSession(String sessionId);

    Optional<Session> pendingSession(DevId devId);

    Optional<Session> startedSession(DevId devId);

    /** Ended sessions, newest end first. */
    List<Session> completedSessions(DevId devId, int offset, int limit);

    void insertPackage(SessionPackage sessionPackage);

    void updatePackage(SessionPackage sessionPackage);

    Optional<SessionPackage> findPackage(String packageId);

    /** Devices with a started session whose current package was issued at or before {@code cutoff}. */
    List<DevId> devicesUnreportedSince(Instant cutoff);
}
