package org.omatwin.core.dm.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.http.DmHttp.Resp;

/**
 * Two core instances on one PostgreSQL (the second on the first one's embedded database, as
 * {@code TwoInstancesTest} of twinning does): a long poll held on one instance returns when the
 * operation is accepted on the other (section 7: "on whichever core instance holds it").
 */
class TwoInstancesLongPollTest {
    private static DmHttp a;
    private static DmHttp b;

    @BeforeAll
    static void start() throws Exception {
        a = DmHttp.start(Map.of());
        b = DmHttp.start(a.issuer, Files.createTempDirectory("dm-http-b"), Map.of(
                "TWIN_DATABASE_URL", a.core.database().jdbcUrl(),
                "TWIN_DATABASE_USER", "postgres"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (b != null) {
            b.close();
        }
        a.close();
    }

    @Test
    void aLongPollHeldOnOneInstanceReturnsWhenTheOperationIsAcceptedOnTheOther() throws Exception {
        String devId = DmHttp.newDevId();
        CompletableFuture<Resp> poll = b.poll(devId, 30);
        Thread.sleep(500); // held on B
        assertThat(poll).isNotDone();
        long before = System.nanoTime();
        String op = a.retrieve(devId, "", "./DevDetail");
        Resp woken = poll.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(3));
        JsonNode sessions = woken.json().path("sessionList").path("session");
        assertThat(sessions).hasSize(1);
        assertThat(sessions.get(0).path("resourceURL").asText()).startsWith(b.dmBase());

        // the device starts and reports on B; A's DMWSI sees the result
        Resp started = b.dm(devId, "POST", "/sessions/id/" + sessions.get(0).path("sessionId").asText(), null);
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        b.runToEnd(devId, started.json().path("session"));
        assertThat(a.state(op)).isEqualTo("Succeeded");
        assertThat(a.completed(devId, "").path("session")).hasSize(1);
    }

    @Test
    void andTheOtherWayRound() throws Exception {
        String devId = DmHttp.newDevId();
        CompletableFuture<Resp> poll = a.poll(devId, 30);
        Thread.sleep(500);
        b.retrieve(devId, "", "./DevInfo");
        assertThat(poll.get(10, TimeUnit.SECONDS).json().path("sessionList").path("session")).hasSize(1);
    }
}
