package org.omatwin.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.support.Rest.enc;
import static org.omatwin.core.support.Rest.get;
import static org.omatwin.core.support.Rest.post;
import static org.omatwin.core.support.Rest.put;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.omatwin.core.support.CoreProcess;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.Rest.Response;
import org.omatwin.testsupport.Ports;

/**
 * HLF-TE-001: the executable jar keeps every twinning across a stop (SIGTERM) and a start on the same
 * data directory, and the code hash key survives too (a pending code is still redeemable).
 */
class RestartIT {

    @Test
    void twinningsSurviveAStopAndStartOnTheSameDataDirectory() throws Exception {
        Path dataDir = Files.createTempDirectory("twinning-restart");
        int http = Ports.free();
        int grpc = Ports.free();
        String phone = Devices.tel();
        JsonNode before;
        Response pending;
        String pendingCode;
        String base;
        try (CoreProcess core = CoreProcess.start(dataDir, http, grpc, Map.of())) {
            assertThat(core.readyLine).contains("http://127.0.0.1:" + http + "/twinning/v1").contains(":" + grpc);
            base = core.baseUrl();
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
            pending = post(base + enc(waiting) + "/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}");
            pendingCode = pending.twinning().path("activationCode").path("code").asText();
            before = get(base + enc(phone) + "/twinnings").json();
            assertThat(before.path("twinningList").path("twinning")).hasSize(3);

            core.terminate();
            assertThat(core.output()).contains("twinning-core stopped");
        }

        try (CoreProcess core = CoreProcess.start(dataDir, http, grpc, Map.of())) {
            JsonNode after = get(base + enc(phone) + "/twinnings").json();
            assertThat(after).isEqualTo(before);
            assertThat(get(pending.twinning().path("resourceURL").asText()).twinning().path("twinningStatus").asText())
                    .isEqualTo("Pending");
            Response redeemed = post(base + enc(Devices.tel()) + "/twinnings", "{\"twinning\":{\"role\":\"Primary\","
                    + "\"activationCode\":{\"code\":\"" + pendingCode + "\"}}}");
            assertThat(redeemed.status()).as("the code hash key persisted: " + redeemed.text()).isEqualTo(201);
        }
    }
}
