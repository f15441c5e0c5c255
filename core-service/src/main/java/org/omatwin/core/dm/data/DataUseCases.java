package org.omatwin.core.dm.data;

import java.time.Clock;
import org.omatwin.core.infra.storage.Transactions;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.event.DmEvent;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

/** The device side of the data repository: {@code GET}/{@code PUT}/{@code POST /dm/v2/data/{itemId}} (2.3). */
public final class DataUseCases {
    /** Makes the page of a {@link DataItem.Kind#CODE} item when its device fetches it. */
    @FunctionalInterface
    public interface CodePages {
        byte[] render(DataItem item);

        CodePages NONE = item -> {
            throw unknown(item.itemId());
        };
    }

    private final Transactions<? extends DataStore> tx;
    private final CodePages codePages;
    private final Clock clock;

    public DataUseCases(Transactions<? extends DataStore> tx, Clock clock) {
        this(tx, CodePages.NONE, clock);
    }

    public DataUseCases(Transactions<? extends DataStore> tx, CodePages codePages, Clock clock) {
        this.tx = tx;
        this.codePages = codePages;
        this.clock = clock;
    }

    /** The value an HGET command points to, or the page a SHOW command points to. */
    public DataItem read(DevId devId, String itemId) {
        DataItem item = tx.inTransaction(store -> ownItem(store, devId, itemId));
        return switch (item.kind()) {
            case VALUE -> item;
            case CODE -> new DataItem(item.itemId(), item.devId(), item.operationId(), item.commandId(), item.kind(),
                    item.mediaType(), codePages.render(item), item.createdTime());
            default -> throw unknown(itemId);
        };
    }

    /** What an HPUT/HPOST command sends; at most 1 MiB (413). Raises uploadReceived for the operation's requester. */
    public Upload upload(DevId devId, String itemId, String mediaType, byte[] content) {
        if (content.length > DataItem.MAX_UPLOAD_BYTES) {
            throw ApiException.of(ApiError.TOO_LARGE, "an upload is at most 1 MiB", "content");
        }
        return tx.inTransaction(store -> {
            DataItem item = ownItem(store, devId, itemId);
            if (!item.kind().isUpload()) {
                throw unknown(itemId);
            }
            Upload upload = new Upload(itemId, item.operationId(), devId, mediaType, content.clone(), clock.instant());
            long number = store.insertUpload(upload);
            store.recordEvent(DmEvent.ofUpload(devId, item.operationId(), number, upload.receivedTime()));
            return upload;
        });
    }

    /** Another device's item is reported exactly like an unknown one, so ids cannot be probed. */
    private static DataItem ownItem(DataStore store, DevId devId, String itemId) {
        return store.findDataItem(itemId).filter(i -> i.belongsTo(devId)).orElseThrow(() -> unknown(itemId));
    }

    private static ApiException unknown(String itemId) {
        return ApiException.of(ApiError.NOT_FOUND, "no data item " + itemId, "itemId");
    }
}
