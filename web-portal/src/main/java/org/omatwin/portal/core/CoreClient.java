package org.omatwin.portal.core;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The one gRPC channel to the core (TWIN_CORE_GRPC_TARGET); hands out per-subscriber facades. */
public final class CoreClient implements AutoCloseable {
    private final ManagedChannel channel;

    public CoreClient(String target) {
        this.channel = NettyChannelBuilder.forTarget(target).usePlaintext()
                .keepAliveTime(30, TimeUnit.SECONDS).build();
    }

    /** What the subscriber of this access token may do; the token is asked for on every call. */
    public Twinnings forSubscriber(Supplier<String> accessToken) {
        return new Twinnings(channel, accessToken);
    }

    /** The DM account of the subscriber of this access token. */
    public DeviceAccount deviceAccountOf(Supplier<String> accessToken) {
        return new DeviceAccount(channel, accessToken);
    }

    /** Device care (updates, settings) for the subscriber of this access token. */
    public DeviceCare deviceCareOf(Supplier<String> accessToken) {
        return new DeviceCare(channel, accessToken);
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
