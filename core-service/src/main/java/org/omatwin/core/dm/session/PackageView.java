package org.omatwin.core.dm.session;

import java.util.List;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.operation.SessionMode;

/**
 * What the device receives as {@code session}: the package's own {@code sessionId}, the session it
 * belongs to, the mode, its commands in order (each with its cmdId) and, for the last package, the
 * cmdId of the closing END.
 */
public record PackageView(String sessionId, String firstSessionId, SessionMode mode, List<Command> commands,
        String endCmdId) {
    public PackageView {
        commands = List.copyOf(commands);
    }

    public boolean endsSession() {
        return endCmdId != null;
    }
}
