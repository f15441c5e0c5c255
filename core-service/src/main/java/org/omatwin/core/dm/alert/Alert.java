package org.omatwin.core.dm.alert;

import java.time.Instant;

/**
 * A device event as sent to {@code POST /alert} (2.2). {@code data} is the alert's data element as
 * the edge received it (JSON text), passed through to subscribers.
 */
public record Alert(String alertId, String type, String uri, String correlator, Integer resultCode, AlertMark mark,
        String data, Instant eventTime) {

    public static final String FUMO_DOWNLOAD = "org.openmobilealliance.dm.firmwareupdate.download";
    public static final String FUMO_UPDATE = "org.openmobilealliance.dm.firmwareupdate.update";
    public static final String FUMO_DOWNLOAD_AND_UPDATE = "org.openmobilealliance.dm.firmwareupdate.downloadandupdate";
    public static final String SCOMO_OPERATION_COMPLETE =
            "org.openmobilealliance.dm.softwarecomponent.OperationComplete";
    public static final String NODE_CHANGED = "urn:oma:dm:alert:node-changed";
    public static final String FAULT = "urn:oma:dm:alert:fault";
}
