package org.omatwin.core.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.dm.DmFixture.refusal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.infra.error.ApiError;

/** Section 1: the three URN forms of a devId. */
class DevIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"urn:imei:356938035643809", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
            "urn:dev:mac:0024befffe804ff1", "urn:dev:ow:10e2073a01080063", "urn:dev:org:32473-foo",
            "urn:dev:os:32473-123456", "urn:dev:ops:32473-Refrigerator-5002", "urn:dev:example:new-1",
            "urn:dev:mac:0024befffe804ff1_bluetooth"})
    void acceptsTheThreeForms(String text) {
        assertThat(DevId.of(text).value()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "urn:imei:35693803564380", "urn:imei:3569380356438091", "urn:imei:35693803564380x",
            "urn:uuid:6e8bc430-9c3a-11d9-9669", "urn:uuid:zzzzzzzz-9c3a-11d9-9669-0800200c9a66", "urn:dev:mac:0024b",
            "urn:dev:mac:", "urn:dev:org:0-foo", "urn:dev:ops:32473-5002", "urn:dev:", "tel:+447700900123",
            "urn:imsi:234150000000001", "urn:dev:Bad:x", "urn:imei:356938035643809/../x"})
    void refusesAnythingElse(String text) {
        assertThat(refusal(() -> DevId.of(text)).error()).isEqualTo(ApiError.INVALID_INPUT);
    }

    @Test
    void theSchemeNamespaceAndUuidAreCanonicalLowerCase() {
        assertThat(DevId.of("URN:UUID:6E8BC430-9C3A-11D9-9669-0800200C9A66"))
                .isEqualTo(DevId.of("urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"));
        assertThat(DevId.of("URN:IMEI:356938035643809").value()).isEqualTo("urn:imei:356938035643809");
        assertThat(refusal(() -> DevId.of(null)).error()).isEqualTo(ApiError.MISSING_ELEMENT);
    }
}
