package org.omatwin.core.twinning.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.omatwin.core.infra.outbox.Delivery;
import org.omatwin.core.infra.outbox.OutboxMessage;
import org.omatwin.core.infra.outbox.Sender;
import org.omatwin.core.infra.outbox.Target;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.twinning.Role;
import org.omatwin.core.twinning.Twinning;
import org.omatwin.core.twinning.TwinningEvent;
import org.omatwin.core.twinning.notify.OutboxEvent;
import org.omatwin.core.twinning.support.TwinningFixture;

/** HLF-TE-004: a Deactivated event becomes one outbox message to the authorization server, delivered as the core. */
class HttpTokenRevokerTest {
    private static final Instant T0 = TwinningFixture.T0;

    private static OutboxEvent event(TwinningEvent.Type type) {
        DeviceAddress watch = TwinningFixture.tel();
        DeviceAddress phone = TwinningFixture.tel();
        Twinning on = Twinning.pending("tw-42", watch, TwinningFixture.OWN,
                new Twinning.PendingCode("h", TwinningFixture.OWN, T0.plusSeconds(600)), null, T0)
                .activate(phone, TwinningFixture.OWN, "Car", phone, null, T0);
        Twinning t = type == TwinningEvent.Type.DEACTIVATED ? on.deactivate(T0.plusSeconds(5)) : on;
        return new OutboxEvent(7, TwinningEvent.of(t, type, Role.SECONDARY, watch), t);
    }

    @Test
    void aDeactivatedEventAndOnlyItQueuesARevocationOfThatTwinning() {
        URI endpoint = URI.create("http://127.0.0.1:9000/internal/revoked-twinnings");
        try (HttpTokenRevoker revoker = new HttpTokenRevoker(endpoint, "twinning-core", "s")) {
            List<OutboxMessage> messages = revoker.messagesFor(event(TwinningEvent.Type.DEACTIVATED));
            assertThat(messages).singleElement().satisfies(m -> {
                assertThat(m.target()).isEqualTo(new Target.AuthorizationServer(endpoint));
                assertThat(m.body()).isEqualTo("twinning_id=tw-42");
                assertThat(m.queue()).isEqualTo("revoke:tw-42");
                assertThat(m.sourceEventId()).isEqualTo(7L);
            });
            // the stored target reads back as the same kind
            assertThat(Target.of(Target.AuthorizationServer.KIND, endpoint.toString()))
                    .isEqualTo(new Target.AuthorizationServer(endpoint));
            for (TwinningEvent.Type other : List.of(TwinningEvent.Type.ACTIVATED, TwinningEvent.Type.STATUS_CHANGED,
                    TwinningEvent.Type.RENAMED)) {
                assertThat(revoker.messagesFor(event(other))).as(other.name()).isEmpty();
            }
        }
    }

    @Test
    void theRevocationIsPostedAsTheCoreAndRetriedUntilTheServerAcceptsIt() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger answer = new AtomicInteger(503);
        HttpServer as = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        as.createContext("/internal/revoked-twinnings", ex -> {
            seen.add(ex.getRequestHeaders().getFirst("Authorization") + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(answer.get(), -1);
            ex.close();
        });
        as.start();
        URI endpoint = URI.create("http://127.0.0.1:" + as.getAddress().getPort() + "/internal/revoked-twinnings");
        try (HttpTokenRevoker revoker = new HttpTokenRevoker(endpoint, "twinning-core", "core-secret")) {
            OutboxMessage m = revoker.messagesFor(event(TwinningEvent.Type.DEACTIVATED)).get(0);
            Delivery d = new Delivery(m.id(), m.queue(), m.target(), m.kind(), m.body(), 0, T0, T0);

            assertThat(revoker.send(d).get(10, TimeUnit.SECONDS)).isInstanceOf(Sender.Outcome.Retry.class);
            answer.set(204);
            assertThat(revoker.send(d).get(10, TimeUnit.SECONDS)).isEqualTo(Sender.Outcome.DELIVERED);
            answer.set(400);
            assertThat(revoker.send(d).get(10, TimeUnit.SECONDS)).isInstanceOf(Sender.Outcome.Rejected.class);
        } finally {
            as.stop(0);
        }
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(
                "twinning-core:core-secret".getBytes(StandardCharsets.UTF_8));
        assertThat(seen).hasSize(3).allMatch(s -> s.equals(basic + " twinning_id=tw-42"));
    }
}
