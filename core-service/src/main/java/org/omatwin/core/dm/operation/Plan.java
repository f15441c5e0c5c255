package org.omatwin.core.dm.operation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.command.CommandOp;
import org.omatwin.core.dm.common.DmIds;
import org.omatwin.core.dm.data.DataItem;
import org.omatwin.core.dm.device.DevId;

/** What an accepted operation becomes: its commands in order and the data items they point to. */
public record Plan(List<Command> commands, List<DataItem> dataItems) {

    public Plan {
        commands = List.copyOf(commands);
        dataItems = List.copyOf(dataItems);
    }

    /** Builds one operation's plan; every command and item belongs to the operation's device. */
    public static final class Builder {
        private final String operationId;
        private final DevId devId;
        private final Instant now;
        private final List<Command> commands = new ArrayList<>();
        private final List<DataItem> items = new ArrayList<>();

        public Builder(String operationId, DevId devId, Instant now) {
            this.operationId = operationId;
            this.devId = devId;
            this.now = now;
        }

        public Builder command(CommandOp op, String uri, String data) {
            return add(DmIds.command(), op, uri, data, null, null, null);
        }

        /** EXEC always carries a correlator, so a 202 can be completed by the result alert (2.2). */
        public Builder exec(String uri, String data) {
            return add(DmIds.command(), CommandOp.EXEC, uri, data, DmIds.correlator(), null, null);
        }

        /** EXEC of a signed package (firmware, software): the edge renders the package's URL and hashes. */
        public Builder execWithPackage(String uri, String packageId) {
            return execWithPackage(uri, packageId, null);
        }

        /** As above, with the EXEC's {@code data} (e.g. the version the package brings). */
        public Builder execWithPackage(String uri, String packageId, String data) {
            return add(DmIds.command(), CommandOp.EXEC, uri, data, DmIds.correlator(), null, packageId);
        }

        /** HGET of a package's content (a configuration package): the edge renders the url from the package. */
        public Builder hgetPackage(String uri, String packageId) {
            return add(DmIds.command(), CommandOp.HGET, uri, null, null, null, packageId);
        }

        /** An EXEC whose device uploads periodically to a standing item (diagnosticsStart, D1). */
        public Builder execWithStandingUpload(String uri, String data) {
            String commandId = DmIds.command();
            DataItem item = item(DmIds.uploadItem(), commandId, DataItem.Kind.STANDING_UPLOAD, null, null);
            return add(commandId, CommandOp.EXEC, uri, data, DmIds.correlator(), item.itemId(), null);
        }

        /** HGET of a value held in the data repository until the operation ends (2.3). */
        public Builder hget(String uri, String mediaType, byte[] content) {
            String commandId = DmIds.command();
            DataItem item = item(DmIds.valueItem(), commandId, DataItem.Kind.VALUE, mediaType, content);
            return add(commandId, CommandOp.HGET, uri, null, null, item.itemId(), null);
        }

        /** HPUT/HPOST to a fresh upload item. */
        public Builder upload(CommandOp op, String uri) {
            String commandId = DmIds.command();
            DataItem item = item(DmIds.uploadItem(), commandId, DataItem.Kind.UPLOAD, null, null);
            return add(commandId, op, uri, null, null, item.itemId(), null);
        }

        /** SHOW of a page the server makes when the device fetches it (an account's one-time code, section 3). */
        public Builder show(String itemId) {
            String commandId = DmIds.command();
            DataItem item = item(itemId, commandId, DataItem.Kind.CODE, "text/html; charset=utf-8", null);
            return add(commandId, CommandOp.SHOW, null, null, null, item.itemId(), null);
        }

        public Plan build() {
            return new Plan(commands, items);
        }

        private DataItem item(String itemId, String commandId, DataItem.Kind kind, String mediaType, byte[] content) {
            DataItem item = new DataItem(itemId, devId, operationId, commandId, kind, mediaType, content, now);
            items.add(item);
            return item;
        }

        private Builder add(String commandId, CommandOp op, String uri, String data, String correlator,
                String dataItemId, String packageRef) {
            commands.add(Command.queued(commandId, devId, operationId, commands.size(), op, uri, data, correlator,
                    dataItemId, packageRef));
            return this;
        }
    }
}
