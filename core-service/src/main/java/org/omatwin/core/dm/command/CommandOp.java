package org.omatwin.core.dm.command;

/** The ten DM 2.0 commands (2.2). */
public enum CommandOp {
    GET, HGET, HPUT, HPOST, DELETE, EXEC, SUB, UNSUB, SHOW, END;

    /** Commands whose {@code url} points at the data repository or the server's pages. */
    public boolean carriesUrl() {
        return this == HGET || this == HPUT || this == HPOST || this == SHOW;
    }
}
