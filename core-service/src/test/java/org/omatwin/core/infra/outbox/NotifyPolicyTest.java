package org.omatwin.core.infra.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NotifyPolicyTest {
    private final NotifyPolicy policy = new NotifyPolicy(Duration.ofSeconds(5), Duration.ofSeconds(1),
            Duration.ofMinutes(5), Duration.ofHours(24), 64, Set.of());

    @Test
    void backoffDoublesWithJitterAndIsCapped() {
        for (int attempt = 1; attempt <= 8; attempt++) {
            long full = Math.min(300_000, 1000L << (attempt - 1));
            for (int i = 0; i < 50; i++) {
                long ms = policy.backoff(attempt).toMillis();
                assertThat(ms).as("attempt " + attempt).isBetween(full / 2, full);
            }
        }
        assertThat(policy.backoff(40).toMillis()).isBetween(150_000L, 300_000L);
    }

    @Test
    void retriesStopAtTheHorizon() {
        Instant created = Instant.parse("2026-11-22T10:00:00Z");
        assertThat(policy.withinHorizon(created, created.plus(Duration.ofHours(24)))).isTrue();
        assertThat(policy.withinHorizon(created, created.plus(Duration.ofHours(24)).plusMillis(1))).isFalse();
    }

    @Test
    void internalAddressesAreRecognised() throws Exception {
        for (String internal : new String[] {"127.0.0.1", "10.0.0.1", "172.31.255.255", "192.168.0.1", "169.254.1.1",
                "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:10.0.0.1", "224.0.0.1",
                // IPv6 forms embedding an internal IPv4 address: compatible, NAT64, 6to4; local-use NAT64
                "::127.0.0.1", "::10.0.0.1", "::", "64:ff9b::127.0.0.1", "64:ff9b::a00:1", "64:ff9b::c0a8:1",
                "2002:7f00:1::", "2002:a00:1::1", "2002:c0a8:101::", "64:ff9b:1::808:808", "64:ff9b:1:ffff::1",
                "2001:0:4136:e378:8000:63bf:3fff:fdd2", "fec0::1"}) {
            assertThat(CallbackTargets.isInternal(InetAddress.getByName(internal))).as(internal).isTrue();
        }
        for (String external : new String[] {"93.184.216.34", "8.8.8.8", "2001:4860:4860::8888", "172.32.0.1",
                "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8"}) {
            assertThat(CallbackTargets.isInternal(InetAddress.getByName(external))).as(external).isFalse();
        }
    }
}
