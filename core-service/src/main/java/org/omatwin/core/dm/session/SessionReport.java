package org.omatwin.core.dm.session;

import java.util.List;
import org.omatwin.core.dm.command.CommandStatus;

/** A {@code sessionReport}, its shape already checked by the edge (SVC0002/SVC2005 come first). */
public record SessionReport(List<CommandStatus> status) {
    public SessionReport {
        status = status == null ? List.of() : List.copyOf(status);
    }
}
