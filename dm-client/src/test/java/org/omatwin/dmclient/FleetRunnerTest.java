package org.omatwin.dmclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.omatwin.dmclient.TestDmServer.Answer;

class FleetRunnerTest {

    @Test
    void devIdsAreValidImeis() {
        // 356938035643809 (the spec's example) is a valid IMEI: same TAC, serial 564380, Luhn digit 9
        assertThat(FleetRunner.devId(564380)).isEqualTo("urn:imei:356938035643809");
        assertThat(FleetRunner.devId(0)).isEqualTo("urn:imei:356938030000005");
    }

    @Test
    void everyDeviceRunsItsSessionsWithItsOwnToken(@TempDir Path dir) throws Exception {
        try (TestDmServer server = new TestDmServer(dir)) {
            server.on("GET /dm/v2/sessions/pending?wait=1", Answer.json(200,
                            "{\"sessionList\":{\"session\":[{\"sessionId\":\"s-1\",\"result\":\"Pending\"}]}}"))
                    .on("POST /dm/v2/sessions/id/s-1", Answer.json(200,
                            "{\"session\":{\"sessionId\":\"s-1\",\"cmd\":[{\"cmdId\":\"1\",\"op\":\"GET\",\"uri\":\"./DevInfo/DevId\"},{\"cmdId\":\"2\",\"op\":\"END\"}]}}"))
                    .on("PUT /dm/v2/sessions/id/s-1", Answer.empty(204))
                    .on("POST /dm/v2/sessions/next", Answer.empty(204));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            FleetRunner fleet = new FleetRunner(3, URI.create(server.base()),
                    DmClient.httpClient(TlsTrust.pinnedSha256(server.fingerprint()), null),
                    devId -> TokenSource.fixed("t-" + devId), DeviceProfile.defaults("urn:dev:x"), 1, 100,
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            fleet.start(60);
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (fleet.completedSessions() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            fleet.stop(5);

            assertThat(fleet.completedSessions()).isGreaterThanOrEqualTo(6);
            assertThat(server.requests("PUT", "/dm/v2/sessions/id/s-1").stream()
                    .map(TestDmServer.Request::authorization).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder("Bearer t-" + FleetRunner.devId(0), "Bearer t-" + FleetRunner.devId(1),
                            "Bearer t-" + FleetRunner.devId(2));
            assertThat(server.requests("PUT", "/dm/v2/sessions/id/s-1")).allSatisfy(r ->
                    assertThat(r.text()).contains("urn:imei:3569380300000"));
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("fleet: 3/3 devices started").contains("errors 0");
            // each device first told the server who it is (Package#1), as a single device does
            assertThat(server.requests("POST", "/dm/v2/sessions/next").stream()
                    .map(TestDmServer.Request::authorization).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder("Bearer t-" + FleetRunner.devId(0), "Bearer t-" + FleetRunner.devId(1),
                            "Bearer t-" + FleetRunner.devId(2));
        }
    }
}
