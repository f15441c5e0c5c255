package org.omatwin.core.infra.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.TestCore;
import org.omatwin.proto.twinning.v1.CreateTwinningRequest;
import org.omatwin.proto.twinning.v1.Twinning;
import org.omatwin.proto.twinning.v1.TwinningServiceGrpc;

/** A gRPC request over the size limit is refused and logged in one line, not with a stack trace. */
class OversizedGrpcRequestTest {

    @Test
    void anOversizedMessageIsRefusedAndLoggedInOneLine() throws Exception {
        TestCore.get();
        Logger transport = Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        transport.addHandler(capture);
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", TestCore.get().grpcPort())
                .usePlaintext().build();
        try {
            var stub = TwinningServiceGrpc.newBlockingStub(channel);
            assertThatThrownBy(() -> stub.createTwinning(CreateTwinningRequest.newBuilder().setUserId(Devices.tel())
                    .setTwinning(Twinning.newBuilder().setRole("Secondary").setClientCorrelator("x".repeat(300_000)))
                    .build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
            for (int i = 0; i < 50 && records.isEmpty(); i++) {
                Thread.sleep(20);
            }
        } finally {
            channel.shutdownNow();
            transport.removeHandler(capture);
        }
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.getThrown()).as("no stack trace").isNull();
            assertThat(r.getMessage()).doesNotContain("\n").contains("RESOURCE_EXHAUSTED", "exceeds maximum size");
        });
    }
}
