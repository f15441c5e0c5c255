package org.omatwin.core.support;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.omatwin.testsupport.JavaService;
import org.omatwin.testsupport.Services;

/**
 * The packaged core jar run as a separate process on loopback, as an operator runs it, on ports the
 * test chose (so that a restart finds it again) and in dev auth mode unless the test asks for tokens.
 */
public final class CoreProcess implements AutoCloseable {
    private final JavaService process;
    public final int httpPort;
    public final int grpcPort;
    public final String readyLine;

    private CoreProcess(JavaService process, int httpPort, int grpcPort) {
        this.process = process;
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
        this.readyLine = process.readyLine();
    }

    public static CoreProcess start(Path dataDir, int httpPort, int grpcPort, Map<String, String> env)
            throws Exception {
        Map<String, String> all = new HashMap<>();
        all.put("TWIN_HTTP_PORT", Integer.toString(httpPort));
        all.put("TWIN_GRPC_PORT", Integer.toString(grpcPort));
        all.putIfAbsent("TWIN_DM_HTTPS_PORT", "0");
        all.put("TWIN_DATA_DIR", dataDir.toString());
        all.put("TWIN_AUTH_MODE", "dev"); // unless the test asks for tokens
        all.putAll(env);
        return new CoreProcess(Services.core().env(all).start(), httpPort, grpcPort);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort + "/twinning/v1/";
    }

    /** SIGTERM, as an init system sends it; waits for the exit and the last output. */
    public int terminate() throws Exception {
        return process.terminate();
    }

    /** SIGKILL: the process gets no chance to clean up (a crash). */
    public int kill() throws Exception {
        return process.kill();
    }

    public String output() {
        return process.output();
    }

    @Override
    public void close() throws Exception {
        process.close();
    }
}
