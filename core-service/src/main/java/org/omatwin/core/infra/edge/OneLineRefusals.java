package org.omatwin.core.infra.edge;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * gRPC's Netty transport logs a refused inbound message (one larger than the server's limit, which the
 * client gets as RESOURCE_EXHAUSTED) with a full stack trace at WARNING: anyone can fill the log that
 * way. The record is kept, as one line: the message and the refusal's description, no trace.
 */
public final class OneLineRefusals implements Filter {
    /** The java.util.logging logger of grpc-netty-shaded's server stream (held: JUL keeps loggers weakly). */
    private static final Logger SERVER_STREAM =
            Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");

    private OneLineRefusals() {}

    /** Installs the filter (idempotent); call before the gRPC servers start. */
    public static void install() {
        if (!(SERVER_STREAM.getFilter() instanceof OneLineRefusals)) {
            SERVER_STREAM.setFilter(new OneLineRefusals());
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        Throwable thrown = record.getThrown();
        if (thrown instanceof io.grpc.StatusRuntimeException refused) {
            record.setThrown(null);
            record.setMessage(record.getMessage() + ": " + refused.getStatus().getCode() + ": "
                    + refused.getStatus().getDescription());
        }
        return true;
    }
}
