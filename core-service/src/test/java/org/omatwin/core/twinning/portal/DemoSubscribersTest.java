package org.omatwin.core.twinning.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.omatwin.core.twinning.DeviceAddress;

/** TWIN_DEMO_SUBSCRIBERS: "id=line,line;id=line", blank for none, anything else refused at start. */
class DemoSubscribersTest {
    @Test
    void parsesSubscribersAndTheirLines() {
        var parsed = DemoSubscribers.parse(
                " alice = tel:+447700900999, tel:+447700900998 ; bob=tel:+447700900555;");
        assertThat(parsed).containsOnlyKeys("alice", "bob");
        assertThat(parsed.get("alice")).containsExactly(new DeviceAddress("tel:+447700900999"),
                new DeviceAddress("tel:+447700900998"));
        assertThat(parsed.get("bob")).isEqualTo(List.of(new DeviceAddress("tel:+447700900555")));
        assertThat(DemoSubscribers.parse("")).isEmpty();
        assertThat(DemoSubscribers.parse(null)).isEmpty();
    }

    @Test
    void refusesWhatIsNotASubscriberWithDeviceAddresses() {
        assertThatThrownBy(() -> DemoSubscribers.parse("alice"))
                .hasMessageContaining("expected subscriber=line,line");
        assertThatThrownBy(() -> DemoSubscribers.parse("alice=0044770"))
                .hasMessageContaining("is not a device address");
    }
}
