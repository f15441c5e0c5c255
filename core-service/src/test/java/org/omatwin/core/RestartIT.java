package org.omatwin.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.support.Rest.enc;
import static org.omatwin.core.support.Rest.get;
import static org.omatwin.core.support.Rest.post;
import static org.omatwin.core.support.Rest.put;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.Rest.Response;

/**
 * HLF-TE-001: the executable jar keeps every twinning across a stop (SIGTERM) and a start on the same
 * data directory, and the code hash key survives too (a pending code is still redeemable).
 */
class RestartIT {
    private Process process;
    private Thread reader;
    private final StringBuilder output = new StringBuilder();

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String start(Path dataDir, int http, int grpc) throws Exception {
        String jar = System.getProperty("twinning.jar", "target/twinning-core.jar");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar);
        pb.environment().put("TWIN_HTTP_PORT", Integer.toString(http));
        pb.environment().put("TWIN_GRPC_PORT", Integer.toString(grpc));
        pb.environment().put("TWIN_DATA_DIR", dataDir.toString());
        pb.environment().remove("TWIN_DATABASE_URL");
        pb.redirectErrorStream(true);
        process = pb.start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (line.contains("ready")) {
                        ready.complete(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.completeExceptionally(new IllegalStateException("exited before ready:\n" + output));
        });
        reader.setDaemon(true);
        reader.start();
        return ready.get(90, TimeUnit.SECONDS);
    }

    @Test
    void twinningsSurviveAStopAndStartOnTheSameDataDirectory() throws Exception {
        Path dataDir = Files.createTempDirectory("twinning-restart");
        int http = freePort();
        int grpc = freePort();
        String readyLine = start(dataDir, http, grpc);
        assertThat(readyLine).contains("http://127.0.0.1:" + http + "/twinning/v1").contains(":" + grpc);
        String base = "http://127.0.0.1:" + http + "/twinning/v1/";

        String phone = Devices.tel();
        for (int i = 0; i < 3; i++) {
            String watch = Devices.tel();
            String code = post(base + enc(watch) + "/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}")
                    .twinning().path("activationCode").path("code").asText();
            Response on = post(base + enc(phone) + "/twinnings", "{\"twinning\":{\"role\":\"Primary\","
                    + "\"name\":\"Device " + i + "\",\"activationCode\":{\"code\":\"" + code + "\"}}}");
            assertThat(on.status()).isEqualTo(201);
            if (i == 1) {
                put(on.twinning().path("resourceURL").asText() + "/twinningStatus", "{\"twinningStatus\":\"Off\"}");
            }
        }
        String waiting = Devices.tel();
        Response pending = post(base + enc(waiting) + "/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}");
        String pendingCode = pending.twinning().path("activationCode").path("code").asText();
        JsonNode before = get(base + enc(phone) + "/twinnings").json();
        assertThat(before.path("twinningList").path("twinning")).hasSize(3);

        // SIGTERM, as an init system would send it
        new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        reader.join(10_000);
        synchronized (output) {
            assertThat(output.toString()).contains("twinning-core stopped");
        }

        start(dataDir, http, grpc);
        JsonNode after = get(base + enc(phone) + "/twinnings").json();
        assertThat(after).isEqualTo(before);
        assertThat(get(pending.twinning().path("resourceURL").asText()).twinning().path("twinningStatus").asText())
                .isEqualTo("Pending");
        Response redeemed = post(base + enc(Devices.tel()) + "/twinnings", "{\"twinning\":{\"role\":\"Primary\","
                + "\"activationCode\":{\"code\":\"" + pendingCode + "\"}}}");
        assertThat(redeemed.status()).as("the code hash key persisted: " + redeemed.text()).isEqualTo(201);
    }
}
