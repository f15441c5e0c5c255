package org.omatwin.core.dm.command;

/** The ten DM 2.0 commands (2.2). */
public enum CommandOp {
    GET, HGET, HPUT, HPOST, DELETE, EXEC, SUB, UNSUB, SHOW, END;
}
