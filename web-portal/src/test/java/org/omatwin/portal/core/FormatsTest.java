package org.omatwin.portal.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Numbers, networks and times as a subscriber reads them. */
class FormatsTest {
    private final Formats uk = new Formats("Example Mobile", "234-15=Example Mobile UK;310-410=AT&T", "GB");

    @Test
    void numbersAreWrittenAsPeopleWriteThemNationallyAtHomeInternationallyOtherwise() {
        assertThat(uk.number("tel:+447400123456")).isEqualTo("07400 123456");
        assertThat(uk.number("tel:+12015550123")).isEqualTo("+1 201-555-0123");
        assertThat(uk.number("sip:watch@example.com")).isEqualTo("sip:watch@example.com");
        assertThat(uk.number("tel:+4477123")).as("not a valid number: the country apart").isEqualTo("+44 77123");
    }

    @Test
    void networksByTheOperatorsNameForThem() {
        assertThat(uk.network("234-15")).isEqualTo("Example Mobile UK");
        assertThat(uk.network("310-410")).isEqualTo("AT&T");
        assertThat(uk.network("001-01")).isEqualTo("network 001-01");
        assertThat(new Formats(" ", null, null).operatorName()).isEqualTo("Your operator");
    }

    @Test
    void timesInTheSubscribersZone() {
        Instant at = Instant.parse("2026-11-28T23:30:00Z");
        assertThat(Formats.when(at, ZoneId.of("Europe/London"))).isEqualTo("Sat 28 Nov 2026, 23:30");
        assertThat(Formats.when(at, ZoneId.of("Asia/Tokyo"))).isEqualTo("Sun 29 Nov 2026, 08:30");
        assertThat(Formats.day(at, ZoneId.of("America/New_York"))).isEqualTo("Saturday 28 November 2026");
        assertThat(Formats.time(at, ZoneId.of("America/New_York"))).isEqualTo("18:30");
    }
}
