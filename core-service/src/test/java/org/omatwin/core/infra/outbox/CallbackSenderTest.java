package org.omatwin.core.infra.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.omatwin.core.infra.error.ApiException;

/** Deliveries go to the address the target policy checked, never to a second DNS answer. */
class CallbackSenderTest {
    private static final NotifyPolicy POLICY = new NotifyPolicy(Duration.ofSeconds(5), Duration.ofSeconds(1),
            Duration.ofMinutes(5), Duration.ofHours(24), 64, Set.of());

    private HttpServer listener;
    private final List<String> hosts = new CopyOnWriteArrayList<>();
    private final List<String> ids = new CopyOnWriteArrayList<>();

    @BeforeEach
    void listen() throws Exception {
        listener = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        listener.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            ids.add(exchange.getRequestHeaders().getFirst("X-Notification-Id"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        listener.start();
    }

    @AfterEach
    void stop() {
        listener.stop(0);
    }

    private int port() {
        return listener.getAddress().getPort();
    }

    private static Delivery delivery(String url) {
        return new Delivery("n-1", "q", new Target.Callback(URI.create(url)), "test", "{\"x\":1}", 0, Instant.now(),
                Instant.now());
    }

    @Test
    void theConnectionGoesToTheCheckedAddressWithTheOriginalHostName() throws Exception {
        // ".invalid" never resolves (RFC 2606): if the sender looked the name up again, it could not connect
        CallbackTargetPolicy pinned = new CallbackTargetPolicy() {
            @Override
            public void check(URI url) {}

            @Override
            public InetAddress resolve(URI url) {
                return InetAddress.getLoopbackAddress();
            }
        };
        try (CallbackSender sender = new CallbackSender(POLICY, pinned)) {
            Sender.Outcome outcome = sender.send(delivery("http://rebinding.invalid:" + port() + "/notify"))
                    .get(10, TimeUnit.SECONDS);
            assertThat(outcome).isEqualTo(Sender.Outcome.DELIVERED);
        }
        assertThat(hosts).containsExactly("rebinding.invalid:" + port());
        assertThat(ids).containsExactly("n-1");
    }

    @Test
    void aHostNameThatResolvesToLoopbackIsRefusedUnlessAllowedAndThenDeliveredToThatAddress() throws Exception {
        String url = "http://localhost:" + port() + "/notify";
        try (CallbackSender sender = new CallbackSender(POLICY, new CallbackTargets(Set.of()))) {
            Sender.Outcome refused = sender.send(delivery(url)).get(10, TimeUnit.SECONDS);
            assertThat(refused).isInstanceOf(Sender.Outcome.Retry.class);
            assertThat(((Sender.Outcome.Retry) refused).reason()).contains("target refused");
        }
        assertThat(hosts).isEmpty();
        try {
            new CallbackTargets(Set.of()).check(URI.create(url));
            throw new AssertionError("localhost was accepted");
        } catch (ApiException expected) {
            assertThat(expected.variables()).containsExactly("callbackReference.notifyURL");
        }

        CallbackTargets allowed = new CallbackTargets(Set.of("localhost"));
        assertThat(allowed.resolve(URI.create(url)).isLoopbackAddress()).isTrue();
        try (CallbackSender sender = new CallbackSender(POLICY, allowed)) {
            // localhost may resolve to ::1 first; the listener is on 127.0.0.1 only
            Sender.Outcome outcome = sender.send(delivery("http://localhost:" + port() + "/notify"))
                    .get(10, TimeUnit.SECONDS);
            if (allowed.resolve(URI.create(url)) instanceof java.net.Inet4Address) {
                assertThat(outcome).isEqualTo(Sender.Outcome.DELIVERED);
                assertThat(hosts).containsExactly("localhost:" + port());
            }
        }
    }
}
