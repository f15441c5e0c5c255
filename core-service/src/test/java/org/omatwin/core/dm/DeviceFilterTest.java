package org.omatwin.core.dm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.omatwin.core.dm.device.DevDetail;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DevInfo;
import org.omatwin.core.dm.device.DeviceFilter;
import org.omatwin.core.dm.device.DeviceFilter.Field;
import org.omatwin.core.dm.device.DeviceFilter.Op;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.dm.device.Version;
import org.omatwin.core.infra.error.ApiError;
import org.omatwin.core.infra.error.ApiException;

/** The section 4 filter grammar: each operator, version ordering, quoting, wildcards, precedence, errors. */
class DeviceFilterTest {
    private static final Instant SEEN = Instant.parse("2026-11-20T10:00:00Z");

    static DeviceProfile device(String man, String mod, String fwV, String line) {
        return new DeviceProfile(DevId.of("urn:imei:356938035643809"), new DevInfo(man, mod, "2.0", "en"),
                new DevDetail("phone", man, fwV, "1.0", "A"), List.of(),
                line == null ? null : Line.parse(line).orElseThrow(), SEEN);
    }

    static boolean matches(String filter, DeviceProfile d) {
        return DeviceFilter.parse(filter).matches(d);
    }

    @Test
    void eachOperator() {
        DeviceProfile acme = device("Acme", "W1", "4.10.0", "tel:+447700900123");
        assertThat(matches("man==Acme", acme)).isTrue();
        assertThat(matches("man==Other", acme)).isFalse();
        assertThat(matches("man!=Other", acme)).isTrue();
        assertThat(matches("man!=Acme", acme)).isFalse();
        assertThat(matches("fwV=lt=4.10.1", acme)).isTrue();
        assertThat(matches("fwV=lt=4.10.0", acme)).isFalse();
        assertThat(matches("fwV=le=4.10.0", acme)).isTrue();
        assertThat(matches("fwV=gt=4.9.9", acme)).isTrue();
        assertThat(matches("fwV=gt=4.10.0", acme)).isFalse();
        assertThat(matches("fwV=ge=4.10.0", acme)).isTrue();
        assertThat(matches("fwV=ge=4.10.1", acme)).isFalse();
        assertThat(matches("mod=in=(W2,W1)", acme)).isTrue();
        assertThat(matches("mod=in=(W2,W3)", acme)).isFalse();
        assertThat(matches("lastSeen=ge=2026-11-20T10:00:00Z", acme)).isTrue();
        assertThat(matches("lastSeen=lt=2026-11-20T11:00:00+01:00", acme)).isFalse();
        assertThat(matches("lastSeen==2026-11-20T11:00:00+01:00", acme)).isTrue();
        assertThat(matches("binding==Confirmed", acme)).isTrue();
        assertThat(matches("binding==Unconfirmed", device("Acme", "W1", "1", null))).isTrue();
        assertThat(matches("line==tel:+447700900123", acme)).isTrue();
        assertThat(matches("devTyp==phone;swV==1.0;hwV==A", acme)).isTrue();
    }

    @Test
    void versionsCompareByNumericParts() {
        assertThat(v("4.10.0")).isGreaterThan(v("4.9.1"));
        assertThat(v("10")).isGreaterThan(v("9.99"));
        assertThat(v("4.10")).isLessThan(v("4.10.0"));
        assertThat(v("04.010")).isEqualByComparingTo(v("4.10"));
        assertThat(v("1.99999999999999999999999")).isGreaterThan(v("1.9999999999"));
        assertThat(Version.parse("4.2-beta")).isEmpty();
        assertThat(Version.parse("4..2")).isEmpty();
        // the same through the filter: text order would put 4.9.1 above 4.10.0
        assertThat(matches("fwV=gt=4.9.1", device("Acme", "W1", "4.10.0", null))).isTrue();
        assertThat(matches("fwV=lt=4.10.0", device("Acme", "W1", "4.9.1", null))).isTrue();
        // a version that is not dot-separated numbers has no order: no ordering term matches it
        assertThat(matches("fwV=lt=99", device("Acme", "W1", "4.2-beta", null))).isFalse();
        assertThat(matches("fwV=ge=0", device("Acme", "W1", "4.2-beta", null))).isFalse();
        assertThat(matches("fwV==4.2-beta", device("Acme", "W1", "4.2-beta", null))).isTrue();
    }

    private static Version v(String text) {
        return Version.parse(text).orElseThrow();
    }

    @Test
    void quotedValuesHoldReservedCharactersAndEscapedQuotes() {
        DeviceProfile odd = device("Acme, Inc. (\"EU\"); =x", "W 1", "1", null);
        assertThat(matches("man==\"Acme, Inc. (\\\"EU\\\"); =x\"", odd)).isTrue();
        assertThat(matches("mod==\"W 1\"", odd)).isTrue();
        assertThat(matches("mod=in=(\"W 1\",W2)", odd)).isTrue();
        DeviceFilter f = DeviceFilter.parse("man==\"a\\\\b\"");
        assertThat(f.anyOf().get(0).get(0).value().text()).isEqualTo("a\\b");
    }

    @Test
    void aStarIsAWildcardInEqualityUnlessEscaped() {
        DeviceProfile acme = device("Acme Devices", "W1-Pro", "1", "tel:+447700900123");
        assertThat(matches("man==Acme*", acme)).isTrue();
        assertThat(matches("man==*Devices", acme)).isTrue();
        assertThat(matches("man==\"A*e D*s\"", acme)).isTrue();
        assertThat(matches("man==*cme", acme)).isFalse();
        assertThat(matches("man!=Acme*", acme)).isFalse();
        assertThat(matches("mod==W1*Pro*", acme)).isTrue();
        assertThat(matches("line==tel:+4477009001*", acme)).isTrue();
        assertThat(matches("line==tel:+4477009002*", acme)).isFalse();
        // escaped: a literal star
        assertThat(matches("man==Acme\\*", acme)).isFalse();
        assertThat(matches("man==Acme\\*", device("Acme*", "W1", "1", null))).isTrue();
        // too short to hold both ends
        assertThat(matches("man==Acme*cme", device("Acme", "W1", "1", null))).isFalse();
    }

    @Test
    void semicolonBindsTighterThanComma() {
        // a;b,c is (a and b) or c
        DeviceFilter f = DeviceFilter.parse("man==Acme;mod==W1,man==Other");
        assertThat(f.anyOf()).hasSize(2);
        assertThat(f.anyOf().get(0)).extracting(t -> t.field()).containsExactly(Field.MAN, Field.MOD);
        assertThat(f.matches(device("Other", "X9", "1", null))).isTrue();
        assertThat(f.matches(device("Acme", "X9", "1", null))).isFalse();
        assertThat(f.matches(device("Acme", "W1", "1", null))).isTrue();
        // a,b;c is a or (b and c)
        DeviceFilter g = DeviceFilter.parse("man==Other,man==Acme;mod==W1");
        assertThat(g.matches(device("Acme", "X9", "1", null))).isFalse();
        assertThat(g.matches(device("Other", "X9", "1", null))).isTrue();
        assertThat(DeviceFilter.parse("mod=in=(a,b);man==c").anyOf()).hasSize(1);
        assertThat(DeviceFilter.parse("mod=in=(a,b);man==c").anyOf().get(0).get(0).op()).isEqualTo(Op.IN);
    }

    @Test
    void anAbsentFieldMatchesOnlyInequality() {
        DeviceProfile bare = device(null, null, null, null);
        assertThat(matches("man==*", bare)).isFalse();
        assertThat(matches("man!=Acme", bare)).isTrue();
        assertThat(matches("fwV=lt=9", bare)).isFalse();
        assertThat(matches("line=in=(tel:+447700900123)", bare)).isFalse();
    }

    @Test
    void linesAreNormalisedToE164() {
        DeviceFilter f = DeviceFilter.parse("line==\"TEL:+44 7700-900 (123)\"");
        assertThat(f.anyOf().get(0).get(0).value().text()).isEqualTo("tel:+447700900123");
        assertThat(Line.parse("tel:+44.7700.900123")).contains(new Line("tel:+447700900123"));
        assertThat(Line.parse("tel:07700900123")).isEmpty();
        assertThat(Line.parse("tel:+0447700900123")).isEmpty();
        assertThat(Line.parse("tel:+4477009001234567")).isEmpty();
        assertThat(Line.parse("tel:+447700900123;phone-context=x")).isEmpty();
        assertThat(Line.parse("sip:a@b")).isEmpty();
    }

    static Stream<Arguments> badFilters() {
        return Stream.of(
                Arguments.of("", 0, "a term"),
                Arguments.of("colour==red", 0, "a field: man, mod, devTyp, fwV, swV, hwV, line, lastSeen, binding"),
                Arguments.of("man", 3, "an operator"),
                Arguments.of("man=Acme", 3, "an operator"),
                Arguments.of("man==", 5, "a value"),
                Arguments.of("man==Acme;", 10, "a field"),
                Arguments.of("man==Acme,,mod==W1", 10, "a field"),
                Arguments.of("man==Acme mod==W1", 9, "';' (and), ',' (or) or the end"),
                Arguments.of("man==\"Acme", 10, "'\"' closing the value opened at position 5"),
                Arguments.of("man==\"Ac\"me", 9, "';' (and), ',' (or) or the end"),
                Arguments.of("man=lt=Acme", 3, "==, != or =in= (man has no order"),
                Arguments.of("binding=gt=Confirmed", 7, "==, != or =in="),
                Arguments.of("fwV=lt=4.x", 7, "a version of dot-separated numbers"),
                Arguments.of("fwV=lt=4.*", 7, "a value without '*'"),
                Arguments.of("lastSeen=gt=yesterday", 12, "an RFC 3339 time"),
                Arguments.of("binding==Maybe", 9, "Confirmed or Unconfirmed"),
                Arguments.of("line==tel:123", 6, "a line: tel:+ and 6 to 15 digits"),
                Arguments.of("mod=in=W1", 7, "'(' opening the =in= list"),
                Arguments.of("mod=in=(W1,W2", 13, "',' or ')' closing the =in= list"),
                Arguments.of("mod=in=(W1,)", 11, "a value"),
                Arguments.of("mod=in=()", 8, "a value"),
                Arguments.of("man==Acme\\", 10, "a character after '\\'"),
                Arguments.of("man==\"A\tB\"", 7, "a printable character"));
    }

    @ParameterizedTest
    @MethodSource("badFilters")
    void aFilterThatDoesNotParseNamesThePositionAndWhatWasExpected(String filter, int position, String expected) {
        assertThatThrownBy(() -> DeviceFilter.parse(filter)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.error()).isEqualTo(ApiError.INVALID_INPUT);
            assertThat(e.getMessage()).contains("at position " + position + " ").contains("expected " + expected);
        });
    }

    @Test
    void sizesAreBounded() {
        assertThatThrownBy(() -> DeviceFilter.parse("man==" + "a".repeat(DeviceFilter.MAX_LENGTH)))
                .hasMessageContaining("at most " + DeviceFilter.MAX_LENGTH);
        String many = String.join(";", java.util.Collections.nCopies(DeviceFilter.MAX_TERMS + 1, "man==a"));
        assertThatThrownBy(() -> DeviceFilter.parse(many)).hasMessageContaining("at most " + DeviceFilter.MAX_TERMS);
        String in = "mod=in=(" + String.join(",", java.util.Collections.nCopies(DeviceFilter.MAX_IN_VALUES + 1, "a"))
                + ")";
        assertThatThrownBy(() -> DeviceFilter.parse(in)).hasMessageContaining("at most "
                + DeviceFilter.MAX_IN_VALUES + " values");
    }
}
