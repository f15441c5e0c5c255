package org.omatwin.core.dm.data;

import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.event.EventLog;
import java.util.List;
import java.util.Optional;

/**
 * The data repository's items and uploads, and the events they raise; every call runs inside the
 * caller's transaction.
 */
public interface DataStore extends EventLog {

    void insertDataItem(DataItem item);

    Optional<DataItem> findDataItem(String itemId);

    /** Erases the operation's VALUE items (2.3: configure values are kept only as long as needed). */
    void deleteValueItemsOf(String operationId);

    /**
     * Closes the device's standing upload items of the EXEC {@code startUri} (a DiagMon function's
     * {@code <x>/Operations/Start}): they receive nothing more.
     */
    void closeStandingUploads(DevId devId, String startUri);

    /** Returns the upload's number (arrival order). */
    long insertUpload(Upload upload);

    /** The operation's uploads, oldest first. */
    List<Upload> uploadsOf(String operationId);
}
