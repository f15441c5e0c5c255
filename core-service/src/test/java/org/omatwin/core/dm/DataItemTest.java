package org.omatwin.core.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.dm.DmFixture.PHONE;
import static org.omatwin.core.dm.DmFixture.WATCH;
import static org.omatwin.core.dm.DmFixture.refusal;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.command.Command;
import org.omatwin.core.dm.operation.CommandSpec;
import org.omatwin.core.dm.operation.ConfigValue;
import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.operation.OperationArguments;
import org.omatwin.core.dm.operation.OperationRequest;
import org.omatwin.core.dm.operation.OperationType;
import org.omatwin.core.infra.error.ApiError;

/** 2.3: items belong to one device and one command; uploads at most 1 MiB. */
class DataItemTest {
    private final DmFixture dm = new DmFixture();

    private Command first(OperationRequest request) {
        dm.accept(request);
        return dm.sessions.next(WATCH, null).orElseThrow().commands().get(0);
    }

    @Test
    void anotherDevicesItemIsUnknown() {
        Command hget = first(OperationRequest.of(OperationType.CONFIGURE, OperationArguments.values(List.of(
                new ConfigValue("./Wifi/1/Key", "secret", null))), WATCH));
        assertThat(refusal(() -> dm.data.read(PHONE, hget.dataItemId())).error()).isEqualTo(ApiError.NOT_FOUND);
        assertThat(refusal(() -> dm.data.upload(PHONE, hget.dataItemId(), "text/plain", new byte[1])).error())
                .isEqualTo(ApiError.NOT_FOUND);
        assertThat(refusal(() -> dm.data.read(WATCH, "d-unknown")).error()).isEqualTo(ApiError.NOT_FOUND);
    }

    @Test
    void anHputItemReceivesAnUploadOfAtMostOneMebibyte() {
        Command hput = first(OperationRequest.of(OperationType.COMMANDS, OperationArguments.commands(List.of(
                new CommandSpec("HPUT", "./DiagMon/Trap/1/Report", null, null))), WATCH));
        Operation op = dm.operation(hput.operationId());
        assertThat(refusal(() -> dm.data.upload(WATCH, hput.dataItemId(), "application/octet-stream",
                new byte[(1 << 20) + 1])).error()).isEqualTo(ApiError.TOO_LARGE);
        dm.data.upload(WATCH, hput.dataItemId(), "application/json", "{\"x\":1}".getBytes());
        assertThat(dm.store.uploadsOf(op.operationId())).hasSize(1);
        assertThat(refusal(() -> dm.data.read(WATCH, hput.dataItemId())).error()).as("not an HGET item")
                .isEqualTo(ApiError.NOT_FOUND);
    }
}
