package org.omatwin.core.dm.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PoliciesTest {
    @Test
    void theEntryForEveryOtherClientNeverAppliesToASecondaryDmServer() {
        Policies p = new Policies(Map.of("*", ClientPolicy.unrestricted("*"),
                "secondary:acme", ClientPolicy.unrestricted("secondary:acme")));
        assertThat(p.forClient("care-desk")).map(ClientPolicy::clientId).contains("care-desk");
        assertThat(p.forClient("secondary:acme")).map(ClientPolicy::clientId).contains("secondary:acme");
        assertThat(p.forClient("secondary:globex")).as("section 11: no policy of its own, no access").isEmpty();
        assertThat(Policies.isSecondaryServer("secondary:acme")).isTrue();
        assertThat(Policies.isSecondaryServer("acme")).isFalse();
    }
}
