package org.omatwin.core.dm.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.stream.Stream;
import org.omatwin.core.dm.common.DmIds;
import org.omatwin.core.dm.device.DevId;

/**
 * One entry of the transaction log (dm-api.md 6.1, EI1-EI4, ES13): an act on a device, recorded in the
 * transaction of the act, with its own unique id, who asked for it ({@code clientId}, null for what a
 * device did unasked), the operation or job it belongs to, a summary that names nodes and outcomes but
 * never a value, and whether it succeeded. The store adds the device's line and subscriber as they
 * are when the entry is written (a provisioning change names its subscriber itself).
 */
public record Transaction(String transactionId, Kind kind, String clientId, DevId devId, String operationId,
        String jobId, String summary, boolean success, Instant time, String subscriberId) {
    static final int MAX_SUMMARY = 500;

    public enum Kind {
        OPERATION("operation"), COMMAND("command"), ALERT("alert"), PACKAGE_DOWNLOAD("packageDownload"),
        /** A signed package registered, its content verified or rejected, or deleted (section 8). */
        PACKAGE("package"),
        PROVISIONING("provisioning"), JOB("job");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Kind fromWire(String text) {
            return Stream.of(values()).filter(k -> k.wire.equals(text)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown transaction kind " + text));
        }
    }

    public Transaction {
        Objects.requireNonNull(transactionId);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(time);
        summary = summary.length() <= MAX_SUMMARY ? summary : summary.substring(0, MAX_SUMMARY - 1) + "…";
    }

    /** A new entry with a fresh id. */
    public static Transaction of(Kind kind, String clientId, DevId devId, String operationId, String jobId,
            String summary, boolean success, Instant time) {
        return new Transaction(DmIds.transaction(), kind, clientId, devId, operationId, jobId, summary, success,
                time, null);
    }

    /**
     * A provisioning change (section 3, ES9): by the BSS client (null: the operator's own seeding), about
     * one subscriber and, when one was bound or unbound, one device.
     */
    public static Transaction provisioning(String clientId, String subscriberId, DevId devId, String summary,
            Instant time) {
        return new Transaction(DmIds.transaction(), Kind.PROVISIONING, clientId, devId, null, null, summary, true,
                time, subscriberId);
    }

}
