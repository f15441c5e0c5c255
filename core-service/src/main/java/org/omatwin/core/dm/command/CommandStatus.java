package org.omatwin.core.dm.command;

import java.util.List;

/** A command's status in a {@code sessionReport}: the SyncML DM code and, for GET, the values. */
public record CommandStatus(String cmdId, int sc, List<ResultItem> results) {
    /** The final result of an EXEC that will follow as an alert with the command's correlator. */
    public static final int ACCEPTED = 202;

    public CommandStatus {
        results = results == null ? List.of() : List.copyOf(results);
    }

    public boolean isSuccess() {
        return sc >= 200 && sc < 300;
    }
}
