package org.omatwin.core.dm.operation;

import java.util.Arrays;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/** The operation types of dm-api.md section 4, by their wire names. */
public enum OperationType {
    RETRIEVE("retrieve"),
    INVENTORY("inventory"),
    CONFIGURE("configure"),
    DELETE("delete"),
    EXECUTE("execute"),
    FIRMWARE_UPDATE("firmwareUpdate"),
    SOFTWARE_INSTALL("softwareInstall"),
    SOFTWARE_REMOVE("softwareRemove"),
    DIAGNOSTICS_START("diagnosticsStart"),
    DIAGNOSTICS_STOP("diagnosticsStop"),
    DIAGNOSTICS_RETRIEVE("diagnosticsRetrieve"),
    SUBSCRIBE_NODE("subscribeNode"),
    UNSUBSCRIBE_NODE("unsubscribeNode"),
    COMMANDS("commands");

    private final String wire;

    OperationType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static OperationType fromWire(String text) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(text)).findFirst()
                .orElseThrow(() -> ApiException.of(ApiError.INVALID_INPUT, "unknown operation type " + text, "type"));
    }
}
