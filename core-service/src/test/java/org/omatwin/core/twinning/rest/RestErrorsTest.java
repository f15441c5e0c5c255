package org.omatwin.core.twinning.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.store.schema.Tables.TWINNING;
import static org.omatwin.core.support.Rest.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import org.omatwin.core.twinning.api.DevCallerInterceptor;
import org.omatwin.core.support.Devices;
import org.omatwin.core.support.Rest;
import org.omatwin.core.support.Rest.Response;
import org.omatwin.core.support.TestCore;

/** The contract's error table and bad input, over real HTTP: each gets its requestError and changes nothing. */
class RestErrorsTest {

    private static void assertError(Response r, int status, String messageId) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.messageId()).as(r.text()).isEqualTo(messageId);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode ex = r.json().path("requestError").path(messageId.startsWith("POL") ? "policyException"
                : "serviceException");
        assertThat(ex.path("text").asText()).isNotBlank();
        assertThat(ex.path("variables").isArray()).isTrue();
        assertThat(r.text()).doesNotContain("Exception:", "at org.", "INVALID_ARGUMENT", "PERMISSION_DENIED", "SQL");
    }

    private static void assertNoTwinning(String device) {
        assertThat(get(url(device, "/twinnings")).json().path("twinningList").path("twinning"))
                .as("nothing was created for " + device).isEmpty();
    }

    @Test
    void malformedJsonIs400Svc0002() {
        String d = Devices.tel();
        for (String body : new String[] {"{", "{\"twinning\":", "not json", "{\"twinning\":{}} trailing",
                "{\"twinning\":{\"role\":\"Secondary\",\"role\":\"Primary\"}}"}) {
            assertError(post(url(d, "/twinnings"), body), 400, "SVC0002");
        }
        assertNoTwinning(d);
    }

    @Test
    void unknownElementsAndQueryParametersAre400Svc2005() {
        String d = Devices.tel();
        Response top = post(url(d, "/twinnings"), "{\"twinning\":{\"role\":\"Secondary\"},\"extra\":1}");
        assertError(top, 400, "SVC2005");
        Response nested = post(url(d, "/twinnings"),
                "{\"twinning\":{\"role\":\"Secondary\",\"otherDevice\":{\"mno\":{\"mcc\":\"234\",\"mnc\":\"15\",\"x\":1}}}}");
        assertError(nested, 400, "SVC2005");
        assertThat(nested.json().path("requestError").path("serviceException").path("variables").get(0).asText())
                .isEqualTo("twinning.otherDevice.mno.x");
        Response pathField = post(url(d, "/twinnings"), "{\"userId\":\"tel:+440000000000\",\"twinning\":{\"role\":\"Secondary\"}}");
        assertError(pathField, 400, "SVC2005");
        assertError(get(url(d, "/twinnings?colour=blue")), 400, "SVC2005");
        assertError(get(url(d, "/twinnings/abc?name=x")), 400, "SVC2005");
        assertNoTwinning(d);
    }

    @Test
    void namesWithALoneSurrogateOrAFormatCharacterAre400Svc0002AndEmojiCountOnce() {
        String phone = Devices.tel();
        String id = Rest.id(Rest.twin(phone, Devices.tel()));
        String nameUrl = url(phone, "/twinnings/" + id + "/name");
        // JSON escapes: a lone high surrogate, a right-to-left override, a zero-width space
        for (String escaped : new String[] {"a\\ud800b", "photo\\u202egpj.exe", "zero\\u200bwidth"}) {
            assertError(put(nameUrl, "{\"name\":\"" + escaped + "\"}"), 400, "SVC0002");
        }
        String emoji33 = "\uD83D\uDE00".repeat(33);
        Response renamed = put(nameUrl, "{\"name\":\"" + emoji33 + "\"}");
        assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
        assertThat(get(nameUrl).json().path("name").asText()).isEqualTo(emoji33);
    }

    @Test
    void missingMandatoryElementsAre400Svc2006() {
        String d = Devices.tel();
        assertError(post(url(d, "/twinnings"), "{}"), 400, "SVC2006");
        assertError(post(url(d, "/twinnings"), "{\"twinning\":{\"role\":\"Primary\"}}"), 400, "SVC2006");
        assertError(post(url(d, "/subscriptions"), "{\"twinningSubscription\":{}}"), 400, "SVC2006");
        assertError(post(url(d, "/subscriptions"), "{\"twinningSubscription\":{\"callbackReference\":{}}}"), 400,
                "SVC2006");
        assertError(Rest.send(HttpRequest.newBuilder(URI.create(url(d, "/twinnings")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody())), 400, "SVC2006");
        assertNoTwinning(d);
    }

    @Test
    void missingOrUnknownRoleIs400Svc1014() {
        String d = Devices.tel();
        assertError(post(url(d, "/twinnings"), "{\"twinning\":{}}"), 400, "SVC1014");
        assertError(post(url(d, "/twinnings"), "{\"twinning\":{\"role\":\"Tertiary\"}}"), 400, "SVC1014");
        assertError(post(url(d, "/twinnings"), "{\"twinning\":{\"role\":\"secondary\"}}"), 400, "SVC1014");
        assertNoTwinning(d);
    }

    @Test
    void wrongUsedOrExpiredCodesAre400Svc0002NamingActivationCode() {
        String phone = Devices.tel();
        Response wrong = activate(phone, nextWrongCode(), null);
        assertError(wrong, 400, "SVC0002");
        assertThat(wrong.json().path("requestError").path("serviceException").path("variables").get(0).asText())
                .isEqualTo("activationCode");

        String watch = Devices.tel();
        String code = requestCode(watch).twinning().path("activationCode").path("code").asText();
        assertThat(activate(phone, code, null).status()).isEqualTo(201);
        assertError(activate(Devices.tel(), code, null), 400, "SVC0002");

        String watch2 = Devices.tel();
        Response pending = requestCode(watch2);
        String code2 = pending.twinning().path("activationCode").path("code").asText();
        TestCore.get().database().dsl().update(TWINNING)
                .set(TWINNING.CODE_EXPIRES_AT, OffsetDateTime.now().minusSeconds(1))
                .where(TWINNING.ID.eq(id(pending)))
                .execute();
        String late = Devices.tel();
        assertError(activate(late, code2, null), 400, "SVC0002");
        assertNoTwinning(late);
        assertThat(get(pending.twinning().path("resourceURL").asText()).twinning().path("twinningStatus").asText())
                .isEqualTo("Pending");
    }

    private static String nextWrongCode() {
        // Random: the shared test database holds a few dozen pending codes out of a million.
        return String.format("%06d", (int) (Math.random() * 1_000_000));
    }

    @Test
    void malformedCodesAndCodesFromUnknownMnosAre400() {
        String phone = Devices.tel();
        assertError(activate(phone, "12345", null), 400, "SVC0002");
        assertError(activate(phone, "abcdef", null), 400, "SVC0002");
        Response foreign = post(url(phone, "/twinnings"), "{\"twinning\":{\"role\":\"Primary\",\"activationCode\":"
                + "{\"code\":\"123456\",\"mcc\":\"310\",\"mnc\":\"410\"}}}");
        assertError(foreign, 400, "SVC0002");
        assertNoTwinning(phone);
    }

    @Test
    void unknownIdsAre404Svc2008AndOtherPeoplesResourcesLookUnknown() {
        String d = Devices.tel();
        assertError(get(url(d, "/twinnings/nope")), 404, "SVC2008");
        assertError(get(url(d, "/twinnings/nope/twinningStatus")), 404, "SVC2008");
        assertError(put(url(d, "/twinnings/nope/name"), "{\"name\":\"x\"}"), 404, "SVC2008");
        assertError(delete(url(d, "/twinnings/nope")), 404, "SVC2008");
        assertError(get(url(d, "/subscriptions/nope")), 404, "SVC2008");
        assertError(delete(url(d, "/subscriptions/nope")), 404, "SVC2008");
        Response p = twin(Devices.tel(), Devices.tel());
        assertError(get(url(d, "/twinnings/" + id(p))), 404, "SVC2008");
        assertError(delete(url(d, "/twinnings/" + id(p))), 404, "SVC2008");
        assertThat(get(p.twinning().path("resourceURL").asText()).status()).isEqualTo(200);
    }

    @Test
    void acrAuthWithoutAnAuthenticatedDeviceIs401WithBearerChallenge() {
        Response r = get(url("acr:auth", "/twinnings"));
        assertError(r, 401, "SVC2003");
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void acrAuthResolvesToTheAuthenticatedDevice() {
        String phone = Devices.tel();
        twin(phone, Devices.tel());
        Response r = Rest.send(HttpRequest.newBuilder(URI.create(url("acr:auth", "/twinnings")))
                .header(DevCallerInterceptor.HEADER, phone).GET());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("twinningList").path("twinning")).hasSize(1);
    }

    @Test
    void actingForAnotherDeviceIs403Pol2003() {
        String phone = Devices.tel();
        Response p = twin(phone, Devices.tel());
        Response r = Rest.send(HttpRequest.newBuilder(URI.create(p.twinning().path("resourceURL").asText()))
                .header(DevCallerInterceptor.HEADER, Devices.tel()).DELETE());
        assertError(r, 403, "POL2003");
        assertThat(get(p.twinning().path("resourceURL").asText()).status()).isEqualTo(200);
    }

    @Test
    void primaryCannotBecomeSecondaryNorTheReversePol1037() {
        String phone = Devices.tel();
        String watch = Devices.tel();
        twin(phone, watch);
        assertError(requestCode(phone), 403, "POL1037");
        String code = requestCode(Devices.tel()).twinning().path("activationCode").path("code").asText();
        assertError(activate(watch, code, null), 403, "POL1037");
        // A pending secondary cannot act as a primary either (HLF-TE-009).
        String pending = Devices.tel();
        requestCode(pending);
        assertError(activate(pending, code, null), 403, "POL1037");
    }

    @Test
    void twinnedSecondaryAskingAgainIs403Pol2000() {
        String watch = Devices.tel();
        twin(Devices.tel(), watch);
        Response r = requestCode(watch);
        assertError(r, 403, "POL2000");
        assertThat(r.json().path("requestError").path("policyException").path("variables").get(0).asText())
                .isEqualTo("already twinned");
    }

    @Test
    void sixthSecondaryIs403Pol2008AndLeavesTheCodePending() {
        String phone = Devices.tel();
        for (int i = 0; i < 5; i++) {
            assertThat(twin(phone, Devices.tel()).status()).isEqualTo(201);
        }
        String watch = Devices.tel();
        Response pending = requestCode(watch);
        Response r = activate(phone, pending.twinning().path("activationCode").path("code").asText(), null);
        assertError(r, 403, "POL2008");
        assertThat(get(url(phone, "/twinnings")).json().path("twinningList").path("twinning")).hasSize(5);
        assertThat(get(pending.twinning().path("resourceURL").asText()).twinning().path("twinningStatus").asText())
                .isEqualTo("Pending");
    }

    @Test
    void tooManyWrongCodesIs429Pol2005WithRetryAfterEvenForTheRightCode() {
        String phone = Devices.tel();
        String code = requestCode(Devices.tel()).twinning().path("activationCode").path("code").asText();
        String wrong = code.equals("999999") ? "999998" : "999999";
        for (int i = 0; i < 5; i++) {
            assertThat(activate(phone, wrong, null).status()).isIn(400, 201);
        }
        Response blocked = activate(phone, code, null);
        assertError(blocked, 429, "POL2005");
        int retryAfter = Integer.parseInt(blocked.header("Retry-After"));
        assertThat(retryAfter).isBetween(800, 900);
        assertNoTwinning(phone);
        assertThat(activate(Devices.tel(), code, null).status()).as("the code itself is still good").isEqualTo(201);
    }

    @Test
    void oversizedBodiesAre413() {
        String d = Devices.tel();
        String big = "{\"twinning\":{\"role\":\"Secondary\",\"clientCorrelator\":\"" + "x".repeat(20_000) + "\"}}";
        Response r = post(url(d, "/twinnings"), big);
        assertError(r, 413, "SVC0002");
        assertNoTwinning(d);
    }

    @Test
    void anOversizedBodyIsLoggedInOneLineWithoutAStackTrace() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        root.addAppender(lines);
        String d = Devices.tel();
        try {
            for (int size : new int[] {20_000, 200_000}) {
                String big = "{\"twinning\":{\"role\":\"Secondary\",\"clientCorrelator\":\"" + "x".repeat(size)
                        + "\"}}";
                Response r = post(url(d, "/twinnings"), big);
                assertThat(r.status()).isEqualTo(413);
            }
        } finally {
            root.detachAppender(lines);
        }
        assertThat(lines.list).as("what was logged")
                .filteredOn(e -> e.getThrowableProxy() != null || e.getFormattedMessage().contains("\n\tat "))
                .isEmpty();
        assertNoTwinning(d);
    }

    @Test
    void pathParametersAfterASemicolonAre400Svc0002NotIgnored() {
        String watch = Devices.tel();
        Response created = requestCode(watch);
        String id = id(created);
        String base = url(watch, "/twinnings");
        assertError(get(base + ";x=1"), 400, "SVC0002");
        assertError(get(base + "/" + id + ";x=1"), 400, "SVC0002");
        assertError(post(base + ";x=1", "{\"twinning\":{\"role\":\"Secondary\",\"clientCorrelator\":\"m\"}}"),
                400, "SVC0002");
        assertError(delete(base + "/" + id + ";x=1"), 400, "SVC0002");
        assertThat(get(base + "/" + id).twinning().path("twinningStatus").asText())
                .as("the DELETE changed nothing").isEqualTo("Pending");
    }

    @Test
    void wrongTypesAre400Svc0002NamingTheElement() {
        String d = Devices.tel();
        String[][] cases = {
            {"{\"twinning\":[]}", "twinning"},
            {"{\"twinning\":{\"role\":1}}", "twinning.role"},
            {"{\"twinning\":{\"role\":\"Primary\",\"activationCode\":\"123456\"}}", "twinning.activationCode"},
            {"{\"twinning\":{\"role\":\"Primary\",\"activationCode\":{\"code\":123456}}}", "twinning.activationCode.code"},
            {"{\"twinning\":{\"role\":true}}", "twinning.role"},
            {"[1,2]", "body"},
        };
        for (String[] c : cases) {
            Response r = post(url(d, "/twinnings"), c[0]);
            assertError(r, 400, "SVC0002");
            assertThat(r.json().path("requestError").path("serviceException").path("variables").get(0).asText())
                    .as(c[0]).isEqualTo(c[1]);
        }
        assertError(post(url(d, "/subscriptions"), "{\"twinningSubscription\":{\"duration\":\"long\","
                + "\"callbackReference\":{\"notifyURL\":\"http://a.example/\"}}}"), 400, "SVC0002");
        assertError(post(url(d, "/subscriptions"), "{\"twinningSubscription\":{\"duration\":1.5,"
                + "\"callbackReference\":{\"notifyURL\":\"http://a.example/\"}}}"), 400, "SVC0002");
        assertNoTwinning(d);
    }

    @Test
    void invalidAddressesAre400Svc0002() {
        for (String bad : new String[] {"tel:+12345", "tel:447700900123", "tel:+4477009001234567", "mailto:x@y",
                "tel:+44770090012a"}) {
            Response r = requestCode(bad);
            assertError(r, 400, "SVC0002");
        }
        assertError(get(url(Devices.tel(), "/twinnings?otherDeviceAddress=tel:12")), 400, "SVC0002");
    }

    @Test
    void nonJsonBodiesAre415() {
        String d = Devices.tel();
        Response r = Rest.send(HttpRequest.newBuilder(URI.create(url(d, "/twinnings")))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("role=Secondary")));
        assertError(r, 415, "SVC0002");
        assertNoTwinning(d);
    }

    @Test
    void serverSetElementsAreRefusedOnCreate() {
        String d = Devices.tel();
        assertError(post(url(d, "/twinnings"), "{\"twinning\":{\"role\":\"Secondary\",\"resourceURL\":\"http://x/\"}}"),
                400, "SVC0002");
        assertError(post(url(d, "/twinnings"), "{\"twinning\":{\"role\":\"Secondary\",\"authCode\":\"x\"}}"), 400,
                "SVC0002");
        assertError(post(url(d, "/twinnings"), "{\"twinning\":{\"role\":\"Secondary\",\"twinningStatus\":\"On\"}}"),
                400, "SVC0002");
        assertNoTwinning(d);
    }

    @Test
    void badToggleValuesAndBadNamesChangeNothing() {
        Response p = twin(Devices.tel(), Devices.tel());
        String u = p.twinning().path("resourceURL").asText();
        assertError(put(u + "/twinningStatus", "{\"twinningStatus\":\"Pending\"}"), 400, "SVC0002");
        assertError(put(u + "/twinningStatus", "{\"twinningStatus\":\"off\"}"), 400, "SVC0002");
        assertError(put(u + "/twinningStatus", "{}"), 400, "SVC2006");
        assertError(put(u + "/name", "{\"name\":\"\"}"), 400, "SVC0002");
        assertError(put(u + "/name", "{\"name\":\"" + "n".repeat(65) + "\"}"), 400, "SVC0002");
        JsonNode after = get(u).twinning();
        assertThat(after.path("twinningStatus").asText()).isEqualTo("On");
        assertThat(after.path("name").asText()).isEqualTo(p.twinning().path("name").asText());
    }

    @Test
    void badSubscriptionTargetsAre400() {
        String d = Devices.tel();
        for (String url : new String[] {"ftp://a.example/", "notaurl", "http://user:pw@a.example/", "/relative"}) {
            assertError(post(url(d, "/subscriptions"), "{\"twinningSubscription\":{\"callbackReference\":"
                    + "{\"notifyURL\":\"" + url + "\"}}}"), 400, "SVC0002");
        }
        assertError(post(url(d, "/subscriptions"), "{\"twinningSubscription\":{\"callbackReference\":"
                + "{\"notifyURL\":\"http://127.0.0.1:9/\",\"notificationFormat\":\"XML\"}}}"), 400, "SVC0002");
        assertThat(get(url(d, "/subscriptions")).json().path("subscriptionList").path("twinningSubscription")).isEmpty();
    }

    @Test
    void unknownPathsAre404RequestError() {
        assertError(get(TestCore.baseUrl() + "x/y/z/w"), 404, "SVC2008");
        assertError(get(TestCore.baseUrl()), 404, "SVC2008");
    }
}
