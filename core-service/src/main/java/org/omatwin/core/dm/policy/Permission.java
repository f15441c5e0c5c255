package org.omatwin.core.dm.policy;

import java.util.Locale;
import org.omatwin.core.dm.command.CommandOp;

/**
 * What a node rule grants (dm-api.md section 6): {@code read} covers GET, HPUT, HPOST and SUB (every
 * way of learning a node's value, UNSUB with them); {@code write} HGET (configure); {@code delete};
 * {@code execute} EXEC; {@code show} SHOW.
 */
public enum Permission {
    READ, WRITE, DELETE, EXECUTE, SHOW;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Permission fromWire(String text) {
        for (Permission p : values()) {
            if (p.wire().equals(text)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown permission '" + text + "' (read, write, delete, execute, show)");
    }

    /** The permission a command needs; null for END, which touches no node. */
    public static Permission of(CommandOp op) {
        return switch (op) {
            case GET, HPUT, HPOST, SUB, UNSUB -> READ;
            case HGET -> WRITE;
            case DELETE -> DELETE;
            case EXEC -> EXECUTE;
            case SHOW -> SHOW;
            case END -> null;
        };
    }
}
