package org.omatwin.core.dm.data;

import java.util.List;
import java.util.Optional;

/** The data repository's items and uploads; every call runs inside the caller's transaction. */
public interface DataStore {

    void insertDataItem(DataItem item);

    Optional<DataItem> findDataItem(String itemId);

    /** Erases the operation's VALUE items (2.3: configure values are kept only as long as needed). */
    void deleteValueItemsOf(String operationId);

    void insertUpload(Upload upload);

    /** The operation's uploads, oldest first. */
    List<Upload> uploadsOf(String operationId);
}
