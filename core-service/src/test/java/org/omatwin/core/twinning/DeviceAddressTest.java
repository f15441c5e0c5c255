package org.omatwin.core.twinning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.omatwin.core.infra.error.ApiException;
import org.omatwin.core.infra.error.ApiError;

class DeviceAddressTest {

    @Test
    void telUrisArePlusAndSixToFifteenDigits() {
        assertThat(DeviceAddress.isValid("tel:+447700900123")).isTrue();
        assertThat(DeviceAddress.isValid("tel:+123456")).isTrue();
        assertThat(DeviceAddress.isValid("tel:+123456789012345")).isTrue();
        assertThat(DeviceAddress.isValid("tel:+12345")).isFalse();
        assertThat(DeviceAddress.isValid("tel:+1234567890123456")).isFalse();
        assertThat(DeviceAddress.isValid("tel:447700900123")).as("must be global").isFalse();
        assertThat(DeviceAddress.isValid("tel:+44 7700")).isFalse();
        assertThat(DeviceAddress.isValid("tel:+44770090012a")).isFalse();
    }

    @Test
    void sipAndAcrAreAccepted() {
        assertThat(DeviceAddress.isValid("sip:watch@ims.example.net")).isTrue();
        assertThat(DeviceAddress.isValid("acr:pseudo-12ab")).isTrue();
    }

    @Test
    void acrAuthIsAKeywordNotAnAddressAndEncodedFormsAreNotDecodedAgain() {
        assertThat(DeviceAddress.isValid("acr:auth")).isFalse();
        assertThat(DeviceAddress.isValid("tel%3A%2B447700900123")).isFalse();
        assertThatThrownBy(() -> DeviceAddress.parse("tel%3A%2B447700900123", "userId"))
                .extracting(e -> ((ApiException) e).error()).isEqualTo(ApiError.INVALID_INPUT);
        assertThatThrownBy(() -> DeviceAddress.parse("", "userId"))
                .extracting(e -> ((ApiException) e).error()).isEqualTo(ApiError.MISSING_ELEMENT);
    }

    @Test
    void tailGivesTheLastDigitsForDefaultNames() {
        assertThat(new DeviceAddress("tel:+447700900123").tail(4)).isEqualTo("0123");
        assertThat(new DeviceAddress("sip:my.watch@ims.example.net").tail(4)).isEqualTo("atch");
    }
}
