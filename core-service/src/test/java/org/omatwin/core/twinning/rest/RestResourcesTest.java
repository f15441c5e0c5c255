package org.omatwin.core.twinning.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.support.Rest.*;
import static org.omatwin.core.store.schema.Tables.TWINNING;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.omatwin.core.support.TestCore;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.Rest.Response;

/** Every row of the contract's resource table, over real HTTP against a real core and PostgreSQL. */
class RestResourcesTest {

    @Test
    void secondaryCreateReturns201WithLocationAndASixDigitCodeTaggedWithOurMno() {
        String watch = Devices.tel();
        Response r = post(url(watch, "/twinnings"),
                "{\"twinning\":{\"role\":\"Secondary\",\"clientCorrelator\":\"w-1\"}}");
        assertThat(r.status()).isEqualTo(201);
        JsonNode t = r.twinning();
        assertThat(r.header("Location")).isEqualTo(t.path("resourceURL").asText())
                .startsWith("http://localhost:").contains("/twinning/v1/" + enc(watch) + "/twinnings/");
        assertThat(t.path("role").asText()).isEqualTo("Secondary");
        assertThat(t.path("twinningStatus").asText()).isEqualTo("Pending");
        assertThat(t.path("ownAddress").asText()).isEqualTo(watch);
        assertThat(t.path("clientCorrelator").asText()).isEqualTo("w-1");
        JsonNode code = t.path("activationCode");
        assertThat(code.path("code").asText()).matches("[0-9]{6}");
        assertThat(code.path("mcc").asText()).isEqualTo("234");
        assertThat(code.path("mnc").asText()).isEqualTo("15");
        Instant expiry = Instant.parse(code.path("expiryTime").asText());
        assertThat(expiry).isBetween(Instant.now().plusSeconds(590), Instant.now().plusSeconds(601));
    }

    @Test
    void asecondSecondaryRequestWhilePendingReplacesTheCodeOnTheSameResource() {
        String watch = Devices.tel();
        Response first = requestCode(watch);
        Response second = requestCode(watch);
        assertThat(second.status()).isEqualTo(201);
        assertThat(id(second)).isEqualTo(id(first));
        String oldCode = first.twinning().path("activationCode").path("code").asText();
        String newCode = second.twinning().path("activationCode").path("code").asText();
        if (!oldCode.equals(newCode)) {
            Response withOld = activate(Devices.tel(), oldCode, null);
            assertThat(withOld.status()).as("the replaced code no longer works").isEqualTo(400);
        }
        assertThat(activate(Devices.tel(), newCode, null).status()).isEqualTo(201);
    }

    @Test
    void aRetriedCreateWithTheSameCorrelatorGetsTheSameResourceAndCodeWhichIsNotStoredInClear() {
        String watch = Devices.tel();
        String body = "{\"twinning\":{\"role\":\"Secondary\",\"clientCorrelator\":\"retry-1\"}}";
        Response first = post(url(watch, "/twinnings"), body);
        Response retry = post(url(watch, "/twinnings"), body);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(id(retry)).isEqualTo(id(first));
        String code = first.twinning().path("activationCode").path("code").asText();
        assertThat(retry.twinning().path("activationCode")).isEqualTo(first.twinning().path("activationCode"));
        var row = TestCore.get().database().dsl().selectFrom(TWINNING).where(TWINNING.ID.eq(id(first))).fetchOne();
        assertThat(row.intoList()).as("no column holds the code in clear")
                .noneMatch(v -> v != null && v.toString().contains(code));

        // another correlator is another request: it replaces the code (contract section 3)
        Response other = post(url(watch, "/twinnings"),
                "{\"twinning\":{\"role\":\"Secondary\",\"clientCorrelator\":\"retry-2\"}}");
        assertThat(id(other)).isEqualTo(id(first));
        String replaced = other.twinning().path("activationCode").path("code").asText();
        if (!replaced.equals(code)) {
            assertThat(activate(Devices.tel(), code, null).status()).as("the replaced code").isEqualTo(400);
        }
        assertThat(activate(Devices.tel(), replaced, null).status()).isEqualTo(201);
        // once redeemed, the same correlator no longer brings a code back
        Response after = post(url(watch, "/twinnings"),
                "{\"twinning\":{\"role\":\"Secondary\",\"clientCorrelator\":\"retry-2\"}}");
        assertThat(after.status()).isEqualTo(403);
    }

    @Test
    void theAuthCodeIsHiddenOnceExpired() {
        String watch = Devices.tel();
        Response code = requestCode(watch);
        twin(Devices.tel(), watch);
        String secondaryUrl = code.twinning().path("resourceURL").asText();
        TestCore.get().database().dsl().update(TWINNING)
                .set(TWINNING.AUTH_CODE, "test-auth-code-0123456789")
                .set(TWINNING.AUTH_CODE_EXPIRES_AT, java.time.OffsetDateTime.now().plusMinutes(5))
                .where(TWINNING.ID.eq(id(code))).execute();
        assertThat(get(secondaryUrl).twinning().path("authCode").asText()).isEqualTo("test-auth-code-0123456789");
        TestCore.get().database().dsl().update(TWINNING)
                .set(TWINNING.AUTH_CODE_EXPIRES_AT, java.time.OffsetDateTime.now().minusSeconds(1))
                .where(TWINNING.ID.eq(id(code))).execute();
        assertThat(get(secondaryUrl).twinning().has("authCode")).isFalse();
        assertThat(get(url(watch, "/twinnings")).json().path("twinningList").path("twinning").get(0).has("authCode"))
                .isFalse();
    }

    @Test
    void namesDifferingOnlyInCaseCannotCoexistEvenInTheDatabase() {
        String phone = Devices.tel();
        Response a = twin(phone, Devices.tel());
        Response b = twin(phone, Devices.tel());
        var dsl = TestCore.get().database().dsl();
        dsl.update(TWINNING).set(TWINNING.NAME, "Device-0401").where(TWINNING.ID.eq(id(a))).execute();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dsl.update(TWINNING)
                .set(TWINNING.NAME, "device-0401").where(TWINNING.ID.eq(id(b))).execute())
                .isInstanceOf(org.jooq.exception.DataAccessException.class);
        assertThat(dsl.select(TWINNING.NAME).from(TWINNING).where(TWINNING.ID.eq(id(b))).fetchOne().value1())
                .isNotEqualTo("device-0401");
    }

    @Test
    void primaryActivationTwinsBothSidesOn() {
        String watch = Devices.tel();
        String phone = Devices.tel();
        Response code = requestCode(watch);
        Response r = activate(phone, code.twinning().path("activationCode").path("code").asText(), "My watch");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("Location")).isEqualTo(r.twinning().path("resourceURL").asText())
                .contains(enc(phone));
        JsonNode p = r.twinning();
        assertThat(p.path("role").asText()).isEqualTo("Primary");
        assertThat(p.path("twinningStatus").asText()).isEqualTo("On");
        assertThat(p.path("name").asText()).isEqualTo("My watch");
        assertThat(p.path("otherDevice").path("address").asText()).isEqualTo(watch);
        assertThat(p.path("otherDevice").path("role").asText()).isEqualTo("Secondary");
        assertThat(p.has("activationCode")).isFalse();

        // The secondary's own resource: On, the primary's identity (HLF-SD-006) and voice-mail address.
        Response s = get(code.twinning().path("resourceURL").asText());
        assertThat(s.status()).isEqualTo(200);
        JsonNode st = s.twinning();
        assertThat(st.path("twinningStatus").asText()).isEqualTo("On");
        assertThat(st.path("otherDevice").path("address").asText()).isEqualTo(phone);
        assertThat(st.path("otherDevice").path("role").asText()).isEqualTo("Primary");
        assertThat(st.path("otherDevice").path("mno").path("mcc").asText()).isEqualTo("234");
        assertThat(st.path("primaryDeviceVMAddress").asText()).isEqualTo(phone);
        assertThat(st.path("activationCode").has("code")).as("the code is never shown again").isFalse();
    }

    @Test
    void defaultNamesAreKindPlusLastFourDigitsAndUniquePerPrimary() {
        String phone = Devices.tel();
        String a = "tel:+4411100" + "05555";
        String b = "tel:+4422200" + "05555";
        // Both secondaries end in 5555: the second default name must differ.
        Response first = twin(phone, a + phone.substring(phone.length() - 2));
        Response second = twin(phone, b + phone.substring(phone.length() - 2));
        String n1 = first.twinning().path("name").asText();
        String n2 = second.twinning().path("name").asText();
        assertThat(n1).startsWith("Device-");
        assertThat(n2).startsWith(n1).isNotEqualTo(n1);
    }

    @Test
    void listShowsAPrimaryAllItsSecondariesAndASecondaryItsOneWithFilters() {
        String phone = Devices.tel();
        String w1 = Devices.tel();
        String w2 = Devices.tel();
        twin(phone, w1);
        Response second = twin(phone, w2);
        put(second.twinning().path("resourceURL").asText() + "/name", "{\"name\":\"Car\"}");

        Response all = get(url(phone, "/twinnings"));
        assertThat(all.status()).isEqualTo(200);
        JsonNode list = all.json().path("twinningList");
        assertThat(list.path("resourceURL").asText()).endsWith("/twinning/v1/" + enc(phone) + "/twinnings");
        assertThat(list.path("twinning")).hasSize(2);

        JsonNode byOther = get(url(phone, "/twinnings?otherDeviceAddress=" + enc(w1))).json()
                .path("twinningList").path("twinning");
        assertThat(byOther).hasSize(1);
        assertThat(byOther.get(0).path("otherDevice").path("address").asText()).isEqualTo(w1);

        JsonNode byName = get(url(phone, "/twinnings?name=Car")).json().path("twinningList").path("twinning");
        assertThat(byName).hasSize(1);
        assertThat(byName.get(0).path("otherDevice").path("address").asText()).isEqualTo(w2);

        JsonNode secondaryList = get(url(w1, "/twinnings")).json().path("twinningList").path("twinning");
        assertThat(secondaryList).hasSize(1);
        assertThat(secondaryList.get(0).path("role").asText()).isEqualTo("Secondary");

        JsonNode empty = get(url(Devices.tel(), "/twinnings")).json().path("twinningList").path("twinning");
        assertThat(empty.isArray()).as("repeatable elements are always arrays").isTrue();
        assertThat(empty).isEmpty();
    }

    @Test
    void lightWeightStatusToggleFromEitherSideKeepsTheRelationship() {
        String phone = Devices.tel();
        String watch = Devices.tel();
        Response p = twin(phone, watch);
        String primaryUrl = p.twinning().path("resourceURL").asText();
        String secondaryUrl = url(watch, "/twinnings/" + id(p));

        assertThat(get(primaryUrl + "/twinningStatus").json().path("twinningStatus").asText()).isEqualTo("On");
        Response off = put(secondaryUrl + "/twinningStatus", "{\"twinningStatus\":\"Off\"}");
        assertThat(off.status()).isEqualTo(200);
        assertThat(off.json().path("twinningStatus").asText()).isEqualTo("Off");
        assertThat(get(primaryUrl + "/twinningStatus").json().path("twinningStatus").asText())
                .as("the other side sees it").isEqualTo("Off");
        assertThat(get(primaryUrl).twinning().path("otherDevice").path("address").asText())
                .as("HLF-TE-003: Off keeps the relationship").isEqualTo(watch);
        Response on = put(primaryUrl + "/twinningStatus", "{\"twinningStatus\":\"On\"}");
        assertThat(on.json().path("twinningStatus").asText()).isEqualTo("On");
    }

    @Test
    void lightWeightNameIsReadByBothAndChangedByThePrimaryOnly() {
        String phone = Devices.tel();
        String watch = Devices.tel();
        Response p = twin(phone, watch);
        String primaryUrl = p.twinning().path("resourceURL").asText();
        Response renamed = put(primaryUrl + "/name", "{\"name\":\"Kitchen watch\"}");
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.json().path("name").asText()).isEqualTo("Kitchen watch");
        Response fromSecondary = get(url(watch, "/twinnings/" + id(p) + "/name"));
        assertThat(fromSecondary.json().path("name").asText()).isEqualTo("Kitchen watch");
        Response refused = put(url(watch, "/twinnings/" + id(p) + "/name"), "{\"name\":\"Mine\"}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.messageId()).isEqualTo("POL1038");
    }

    @Test
    void fullReplaceChangesStatusAndNameButNothingElse() {
        String phone = Devices.tel();
        String watch = Devices.tel();
        Response p = twin(phone, watch);
        String primaryUrl = p.twinning().path("resourceURL").asText();
        JsonNode current = get(primaryUrl).twinning();

        String body = "{\"twinning\":" + current.toString()
                .replace("\"twinningStatus\":\"On\"", "\"twinningStatus\":\"Off\"")
                .replace("\"name\":\"" + current.path("name").asText() + "\"", "\"name\":\"Car\"") + "}";
        Response replaced = put(primaryUrl, body);
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.twinning().path("twinningStatus").asText()).isEqualTo("Off");
        assertThat(replaced.twinning().path("name").asText()).isEqualTo("Car");

        // a "full" replace with only twinningStatus is not a patch: the whole resource is required
        Response partial = put(primaryUrl, "{\"twinning\":{\"twinningStatus\":\"On\"}}");
        assertThat(partial.status()).isEqualTo(400);
        assertThat(partial.messageId()).isEqualTo("SVC2006");
        assertThat(get(primaryUrl).twinning().path("twinningStatus").asText()).isEqualTo("Off");

        String changesOther = "{\"twinning\":{\"role\":\"Primary\",\"ownAddress\":\"tel:+441111111111\"}}";
        Response refused = put(primaryUrl, changesOther);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.messageId()).isEqualTo("POL1038");
        assertThat(get(primaryUrl).twinning().path("ownAddress").asText()).isEqualTo(phone);
    }

    @Test
    void deleteFromEitherSideEndsItOnBothSides() {
        String phone = Devices.tel();
        String watch = Devices.tel();
        Response p = twin(phone, watch);
        Response d = delete(url(watch, "/twinnings/" + id(p)));
        assertThat(d.status()).isEqualTo(204);
        assertThat(d.text()).isEmpty();
        assertThat(get(p.twinning().path("resourceURL").asText()).status()).isEqualTo(404);
        assertThat(get(url(watch, "/twinnings/" + id(p))).status()).isEqualTo(404);
        assertThat(get(url(phone, "/twinnings")).json().path("twinningList").path("twinning")).isEmpty();
        // The secondary is free to be twinned again.
        assertThat(twin(Devices.tel(), watch).status()).isEqualTo(201);
    }

    @Test
    void primaryDeletesToo() {
        String phone = Devices.tel();
        Response p = twin(phone, Devices.tel());
        assertThat(delete(p.twinning().path("resourceURL").asText()).status()).isEqualTo(204);
        assertThat(delete(p.twinning().path("resourceURL").asText()).status()).isEqualTo(404);
    }

    @Test
    void subscriptionsCanBeCreatedListedReadAndCancelled() {
        String phone = Devices.tel();
        Response created = post(url(phone, "/subscriptions"), "{\"twinningSubscription\":{\"callbackReference\":"
                + "{\"notifyURL\":\"http://127.0.0.1:9/notify\",\"callbackData\":\"abc\"},\"duration\":0,"
                + "\"clientCorrelator\":\"s-1\"}}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode s = created.json().path("twinningSubscription");
        assertThat(created.header("Location")).isEqualTo(s.path("resourceURL").asText());
        assertThat(s.path("duration").asInt()).as("server default granted").isEqualTo(86_400);
        assertThat(s.path("callbackReference").path("notifyURL").asText()).isEqualTo("http://127.0.0.1:9/notify");

        Response again = post(url(phone, "/subscriptions"), "{\"twinningSubscription\":{\"callbackReference\":"
                + "{\"notifyURL\":\"http://127.0.0.1:9/notify\"},\"clientCorrelator\":\"s-1\"}}");
        assertThat(again.json().path("twinningSubscription").path("resourceURL").asText())
                .as("clientCorrelator: no duplicate").isEqualTo(s.path("resourceURL").asText());

        JsonNode list = get(url(phone, "/subscriptions")).json().path("subscriptionList");
        assertThat(list.path("twinningSubscription")).hasSize(1);
        String subUrl = s.path("resourceURL").asText();
        assertThat(get(subUrl).json().path("twinningSubscription").path("callbackReference")
                .path("callbackData").asText()).isEqualTo("abc");
        assertThat(delete(subUrl).status()).isEqualTo(204);
        assertThat(get(subUrl).status()).isEqualTo(404);
        assertThat(get(url(phone, "/subscriptions")).json().path("subscriptionList").path("twinningSubscription"))
                .isEmpty();
    }

    @Test
    void requestedDurationsAboveTheMaximumAreCapped() {
        Response created = post(url(Devices.tel(), "/subscriptions"), "{\"twinningSubscription\":{\"callbackReference\":"
                + "{\"notifyURL\":\"http://127.0.0.1:9/n\"},\"duration\":999999999}}");
        assertThat(created.json().path("twinningSubscription").path("duration").asInt()).isEqualTo(2_592_000);
    }

    @Test
    void aDurationBeyondInt32IsGrantedTheMaximumAndANegativeOneRefused() {
        String watch = Devices.tel();
        Response huge = post(url(watch, "/subscriptions"), "{\"twinningSubscription\":{\"callbackReference\":"
                + "{\"notifyURL\":\"http://127.0.0.1:9/n\"},\"duration\":99999999999}}");
        assertThat(huge.status()).isEqualTo(201);
        assertThat(huge.json().path("twinningSubscription").path("duration").asInt()).isEqualTo(2_592_000);

        Response negative = post(url(watch, "/subscriptions"), "{\"twinningSubscription\":{\"callbackReference\":"
                + "{\"notifyURL\":\"http://127.0.0.1:9/n\"},\"duration\":-99999999999}}");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.json().path("requestError").path("serviceException").path("messageId").asText())
                .isEqualTo("SVC0002");
        assertThat(get(url(watch, "/subscriptions")).json().path("subscriptionList").path("twinningSubscription"))
                .hasSize(1);
    }

    @Test
    void anyOtherMethodOnAListedPathIs405WithAllow() {
        String u = Devices.tel();
        String[][] cases = {
            {"PATCH", "/twinnings", "GET, POST"},
            {"DELETE", "/twinnings", "GET, POST"},
            {"POST", "/twinnings/abc", "DELETE, GET, PUT"},
            {"DELETE", "/twinnings/abc/twinningStatus", "GET, PUT"},
            {"POST", "/twinnings/abc/name", "GET, PUT"},
            {"PUT", "/subscriptions", "GET, POST"},
            {"PUT", "/subscriptions/abc", "DELETE, GET"},
        };
        for (String[] c : cases) {
            Response r = method(c[0], url(u, c[1]), c[0].equals("DELETE") ? null : "{}");
            assertThat(r.status()).as(c[0] + " " + c[1]).isEqualTo(405);
            assertThat(r.header("Allow")).as(c[0] + " " + c[1]).isEqualTo(c[2]);
            assertThat(r.json().has("requestError")).isTrue();
        }
    }

    @Test
    void percentEncodedAndPlainAddressesAreTheSameUserDecodedOnce() {
        String phone = Devices.tel();
        Response p = twin(phone, Devices.tel());
        String plain = org.omatwin.core.support.TestCore.baseUrl() + phone + "/twinnings/" + id(p);
        assertThat(get(plain).status()).isEqualTo(200);
        assertThat(get(url(phone, "/twinnings/" + id(p))).status()).isEqualTo(200);
        // Encoded twice: decoded once it is "tel%3A%2B...", not an address.
        String twice = org.omatwin.core.support.TestCore.baseUrl() + enc(enc(phone)) + "/twinnings";
        Response r = get(twice);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.messageId()).isEqualTo("SVC0002");
    }
}
