package org.omatwin.core.dm.event;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What a DMWSI subscription can ask to be told of (dm-api.md section 7, seed 003 5.6, EI5, EI7, CC2). */
public enum DmEventType {
    /** Any alert the device sent (filtered by the subscription's alertTypes). */
    ALERT("alert"),
    /** An operation reached its final state: to its requester only. */
    OPERATION_COMPLETED("operationCompleted"),
    /** A job ended (jobs arrive with the bulk-jobs issue: accepted, never raised before). */
    JOB_COMPLETED("jobCompleted"),
    /** A fault alert of the device (EI7), or a customer-care operation that failed (CC2, to its requester). */
    FAULT("fault"),
    /** The device reported another firmware version (EI5). */
    FIRMWARE_CHANGED("firmwareChanged"),
    /** The device reported another software version (EI5). */
    SOFTWARE_CHANGED("softwareChanged"),
    /** The device uploaded data for an operation (diagnostics reports, HPUT/HPOST; D1): to its requester. */
    UPLOAD_RECEIVED("uploadReceived"),
    /** A node the server subscribed to (SUB) changed on the device. */
    NODE_CHANGED("nodeChanged");

    private static final Map<String, DmEventType> BY_WIRE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(DmEventType::wire, Function.identity()));

    private final String wire;

    DmEventType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<DmEventType> fromWire(String wire) {
        return Optional.ofNullable(BY_WIRE.get(wire));
    }
}
