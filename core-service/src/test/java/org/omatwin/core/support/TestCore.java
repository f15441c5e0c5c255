package org.omatwin.core.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.omatwin.core.CoreServer;
import org.omatwin.core.config.CoreConfig;

/**
 * One real core per test JVM: embedded PostgreSQL, the gRPC server and the REST edge on ephemeral
 * loopback ports. Tests isolate themselves with fresh device addresses ({@link Devices}).
 */
public final class TestCore {
    private static CoreServer server;

    private TestCore() {}

    public static synchronized CoreServer get() {
        if (server == null) {
            try {
                Path dir = Files.createTempDirectory("twinning-test");
                server = CoreServer.start(CoreConfig.from(Map.of(
                        "TWIN_HTTP_PORT", "0",
                        "TWIN_GRPC_PORT", "0",
                        "TWIN_DATA_DIR", dir.toString(),
                        "TWIN_MCC", "234",
                        "TWIN_MNC", "15",
                        "TWIN_AUTH_MODE", "dev",
                        // test listeners run on loopback; retries are fast so that parking is quick
                        "TWIN_NOTIFY_ALLOW_HOSTS", "127.0.0.1",
                        "TWIN_NOTIFY_BACKOFF_MS", "100",
                        "TWIN_NOTIFY_BACKOFF_MAX_MS", "400",
                        "TWIN_NOTIFY_RETRY_HORIZON_SECONDS", "3")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        }
        return server;
    }

    public static String baseUrl() {
        return "http://127.0.0.1:" + get().httpPort() + "/twinning/v1/";
    }
}
