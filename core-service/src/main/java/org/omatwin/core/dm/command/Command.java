package org.omatwin.core.dm.command;

import java.time.Instant;
import org.omatwin.core.dm.device.DevId;

/**
 * One command of an operation, queued for one device. It is bound to a session package when that
 * session starts ({@code packageId}, {@code cmdId}) and gets its {@code status} from the package's
 * report. The {@code url} of HGET/HPUT/HPOST is not stored: the edge renders it from
 * {@code dataItemId} (or a software package from {@code packageRef}) with the server's own base URL,
 * so a caller can never supply one (2.2).
 */
public record Command(String commandId, DevId devId, String operationId, int index, CommandOp op, String uri,
        String data, String correlator, String dataItemId, String packageRef, String packageId, String cmdId,
        CommandStatus status, Instant reportedTime) {

    /** A command not yet bound to any session. */
    public static Command queued(String commandId, DevId devId, String operationId, int index, CommandOp op,
            String uri, String data, String correlator, String dataItemId, String packageRef) {
        return new Command(commandId, devId, operationId, index, op, uri, data, correlator, dataItemId, packageRef,
                null, null, null, null);
    }

    public Command boundTo(String packageId, String cmdId) {
        return new Command(commandId, devId, operationId, index, op, uri, data, correlator, dataItemId, packageRef,
                packageId, cmdId, null, null);
    }

    public Command reported(CommandStatus status, Instant now) {
        return new Command(commandId, devId, operationId, index, op, uri, data, correlator, dataItemId, packageRef,
                packageId, cmdId, status, now);
    }

    /** Sent to the device (bound to a package); a correlator only counts for such a command (2.2). */
    public boolean isBound() {
        return packageId != null;
    }

    public boolean isReported() {
        return status != null;
    }
}
