package org.omatwin.core.dm.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pending sessions live in PostgreSQL, not in the instance: a core stopped and started again on the
 * same data directory (its embedded PostgreSQL keeps the data there) still lists the device's pending
 * session, and the device runs it.
 */
class RestartTest {
    private static DmHttp first;
    private static DmHttp again;
    private static boolean firstStopped;

    @BeforeAll
    static void start() throws Exception {
        first = DmHttp.start(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (again != null) {
            again.close();
        }
        if (!firstStopped) {
            first.core.close();
        firstStopped = true;
        }
        first.issuer.close();
    }

    @Test
    void aPendingSessionSurvivesARestartOnTheSameDataDirectory() throws Exception {
        String devId = DmHttp.newDevId();
        String op = first.retrieve(devId, "", "./DevInfo");
        String pending = first.pendingIds(devId).get(0);
        String fingerprint = first.core.dmFingerprint();
        first.core.close();
        firstStopped = true;

        again = DmHttp.start(first.issuer, first.dataDir, Map.of());
        assertThat(again.pendingIds(devId)).containsExactly(pending);
        assertThat(again.state(op)).isEqualTo("Queued");
        // the same self-signed certificate: a device pinning it keeps trusting the server
        assertThat(again.core.dmFingerprint()).isEqualTo(fingerprint);
        JsonNode pkg = again.next(devId);
        assertThat(pkg.path("sessionId").asText()).isEqualTo(pending);
        again.runToEnd(devId, pkg);
        assertThat(again.state(op)).isEqualTo("Succeeded");
    }
}
