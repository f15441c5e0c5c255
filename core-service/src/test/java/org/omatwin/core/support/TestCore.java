package org.omatwin.core.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.omatwin.core.CoreServer;
import org.omatwin.core.CoreConfig;

/**
 * One real core per test JVM: embedded PostgreSQL, the gRPC server and the REST edge on ephemeral
 * loopback ports. Tests isolate themselves with fresh device addresses ({@link Devices}).
 */
public final class TestCore {
    /** The operator key for code hashes, shared by a second instance on the same database. */
    public static final String CODE_HASH_KEY = "dGVzdC1vbmx5LWNvZGUtaGFzaC1rZXktMzItYnl0ZXMh";
    private static CoreServer server;

    private TestCore() {}

    public static synchronized CoreServer get() {
        if (server == null) {
            try {
                Path dir = Files.createTempDirectory("twinning-test");
                server = CoreServer.start(CoreConfig.from(Map.ofEntries(
                        Map.entry("TWIN_HTTP_PORT", "0"),
                        Map.entry("TWIN_GRPC_PORT", "0"),
                        Map.entry("TWIN_DM_HTTPS_PORT", "0"),
                        Map.entry("TWIN_DATA_DIR", dir.toString()),
                        Map.entry("TWIN_MCC", "234"),
                        Map.entry("TWIN_MNC", "15"),
                        Map.entry("TWIN_AUTH_MODE", "dev"),
                        Map.entry("TWIN_CODE_HASH_KEY", CODE_HASH_KEY),
                        // test listeners run on loopback; retries are fast so that parking is quick
                        Map.entry("TWIN_NOTIFY_ALLOW_HOSTS", "127.0.0.1"),
                        Map.entry("TWIN_NOTIFY_BACKOFF_MS", "100"),
                        Map.entry("TWIN_NOTIFY_BACKOFF_MAX_MS", "400"),
                        Map.entry("TWIN_NOTIFY_RETRY_HORIZON_SECONDS", "3"))));
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
