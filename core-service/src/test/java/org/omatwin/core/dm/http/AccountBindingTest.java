package org.omatwin.core.dm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.omatwin.core.store.schema.Tables.DM_DATA_ITEM;
import static org.omatwin.core.store.schema.Tables.DM_REGISTRATION;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DM account (dm-api.md section 3) over real sockets: accounts on {@code /dm/v2/devices} with their
 * bearer tokens, devices on the same TLS port with theirs, lines provisioned through DMWSI. A device is
 * bound to a line only with proof (the msisdn claim, the code it shows, provisioning), the latest proof
 * wins, and nothing reveals a binding to another account.
 */
class AccountBindingTest {
    private static final Pattern CODE = Pattern.compile("<strong id=\"code\">([0-9]{6})</strong>");
    private static final String ALICE_LINE = "tel:+447700900201";
    private static final String BOB_LINE = "tel:+447700900202";
    private static final String CAROL_LINE = "tel:+447700900203";

    private static DmHttp h;

    @BeforeAll
    static void start() throws Exception {
        h = DmHttp.start(Map.of());
        provision("alice", ALICE_LINE);
        provision("bob", BOB_LINE);
        provision("carol", CAROL_LINE);
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    private static void provision(String subscriber, String line) {
        DmHttp.Resp r = h.dmwsi("PUT", "/subscribers/" + subscriber,
                "{\"subscriber\":{\"lines\":[{\"msisdn\":\"" + line + "\"}]}}", "oma_dmwsi.provision");
        assertThat(r.status()).as(r.body()).isIn(200, 201);
    }

    private static DmHttp.Resp account(String subscriber, String method, String path, String body) {
        return h.raw(method, "/devices" + path, h.issuer.token(subscriber, "oma_dm.account"),
                body == null ? null : "application/json", null, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static DmHttp.Resp register(String subscriber, String devId, String line) {
        return account(subscriber, "POST", "/new", "{\"device\":{\"devId\":\"" + devId + "\",\"line\":\"" + line
                + "\",\"name\":\"My watch\"}}");
    }

    private static JsonNode device(String subscriber, String devId) {
        DmHttp.Resp r = account(subscriber, "GET", "/" + devId, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("device");
    }

    private static List<String> listed(String subscriber) {
        DmHttp.Resp r = account(subscriber, "GET", "", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("deviceList").path("device").findValuesAsText("devId");
    }

    /** The device starts a session (Package#1 with its profile), its token naming {@code line} (or none). */
    private static DmHttp.Resp session(String devId, String line) {
        String token = line == null ? h.deviceToken(devId)
                : h.issuer.token(devId, "oma_dm.device", Map.of("msisdn", line));
        return h.raw("POST", "/sessions/next", token, DmHttp.COMMANDS, null, ("{\"sessionStart\":{\"devInfo\":"
                + "{\"man\":\"Acme\",\"mod\":\"W1\"},\"devDetail\":{\"fwV\":\"4.2.0\"}}}").getBytes(StandardCharsets.UTF_8));
    }

    /** The device's next session carries the SHOW; its page (fetched with the device's token) shows the code. */
    private static String codeShownOn(String devId, String line) {
        DmHttp.Resp r = session(devId, line);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode pkg = r.json().path("session");
        assertThat(DmHttp.ops(pkg)).contains("SHOW");
        assertThat(pkg.path("uiMode").asText()).isEqualTo("informative");
        String url = pkg.path("cmd").findValuesAsText("url").get(0);
        assertThat(url).startsWith(h.dmBase() + "/data/");
        // another device cannot read the page
        assertThat(h.raw("GET", url, h.deviceToken(DmHttp.newDevId()), null, null, null).status()).isEqualTo(404);
        DmHttp.Resp page = h.raw("GET", url, h.deviceToken(devId), null, "text/html", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-type")).startsWith("text/html");
        Matcher m = CODE.matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        h.runToEnd(devId, pkg);
        return m.group(1);
    }

    @Test
    void aliceRegisteringBobsDeviceSeesNothingUntilTheCodeShownOnItIsEnteredAndBobsProofMovesItBack() {
        String watch = DmHttp.newDevId();
        assertThat(session(watch, BOB_LINE).status()).isEqualTo(204); // Bob's SIM: bound to Bob's line
        assertThat(device("bob", watch).path("binding").asText()).isEqualTo("Confirmed");
        assertThat(device("bob", watch).path("devInfo").path("mod").asText()).isEqualTo("W1");

        // Alice registers it on her line: Unconfirmed, nothing the device reported, exactly as an unknown device
        DmHttp.Resp registered = register("alice", watch, ALICE_LINE);
        DmHttp.Resp unknown = register("alice", DmHttp.newDevId(), ALICE_LINE);
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        assertThat(registered.header("location")).isEqualTo(h.dmBase() + "/devices/" + watch);
        assertThat(fieldNames(registered.json().path("device"))).isEqualTo(fieldNames(unknown.json().path("device")))
                .containsExactly("devId", "name", "line", "binding", "resourceURL");
        JsonNode seen = device("alice", watch);
        assertThat(seen.path("binding").asText()).isEqualTo("Unconfirmed");
        assertThat(seen.path("line").asText()).isEqualTo(ALICE_LINE);
        assertThat(seen.has("devInfo") || seen.has("lastSeen") || seen.has("devDetail")).isFalse();
        assertThat(device("bob", watch).path("binding").asText()).isEqualTo("Confirmed");
        // and no DMWSI line moved
        assertThat(h.dmwsi("GET", "/devices/" + watch, null, "oma_dmwsi.read").json().path("device").path("line")
                .asText()).isEqualTo(BOB_LINE);

        // the device shows the code in its next session; a wrong code changes nothing; the right one binds
        String code = codeShownOn(watch, BOB_LINE);
        DmHttp.Resp wrong = account("alice", "PUT", "/" + watch, "{\"device\":{\"code\":\"" + other(code) + "\"}}");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body()).contains("SVC0002").contains("device.code");
        assertThat(device("alice", watch).path("binding").asText()).isEqualTo("Unconfirmed");
        DmHttp.Resp right = account("alice", "PUT", "/" + watch, "{\"device\":{\"code\":\"" + code + "\"}}");
        assertThat(right.status()).as(right.body()).isEqualTo(200);
        assertThat(right.json().path("device").path("binding").asText()).isEqualTo("Confirmed");
        assertThat(right.json().path("device").path("devInfo").path("mod").asText()).isEqualTo("W1");
        assertThat(listed("alice")).contains(watch);
        assertThat(h.dmwsi("GET", "/devices/" + watch, null, "oma_dmwsi.read").json().path("device").path("line")
                .asText()).isEqualTo(ALICE_LINE);
        // now Bob's account does not see it at all
        assertThat(account("bob", "GET", "/" + watch, null).status()).isEqualTo(404);
        assertThat(listed("bob")).doesNotContain(watch);
        // the code was used: it does not work twice
        assertThat(account("alice", "PUT", "/" + watch, "{\"device\":{\"code\":\"" + code + "\"}}").status())
                .isEqualTo(400);

        // Bob's SIM proves his line again: the latest proof wins
        assertThat(session(watch, BOB_LINE).status()).isEqualTo(204);
        assertThat(device("bob", watch).path("binding").asText()).isEqualTo("Confirmed");
        JsonNode back = device("alice", watch);
        assertThat(back.path("binding").asText()).isEqualTo("Unconfirmed");
        assertThat(back.has("devInfo")).isFalse();

        // another account reading or deleting it: 404 as for an unknown device, and nothing changed
        DmHttp.Resp carolReads = account("carol", "GET", "/" + watch, null);
        assertThat(carolReads.status()).isEqualTo(404);
        assertThat(carolReads.body()).contains("SVC2008");
        assertThat(account("carol", "DELETE", "/" + watch, null).status()).isEqualTo(404);
        assertThat(account("carol", "PUT", "/" + watch, "{\"device\":{\"name\":\"Mine\"}}").status()).isEqualTo(404);
        assertThat(device("bob", watch).path("binding").asText()).isEqualTo("Confirmed");
    }

    @Test
    void codesAreStoredHashedExpireAfterFiveWrongAttemptsAndANewRegistrationReplacesThem() {
        String watch = DmHttp.newDevId();
        assertThat(register("carol", watch, CAROL_LINE).status()).isEqualTo(201);
        String code = codeShownOn(watch, null);
        var stored = h.core.database().dsl().selectFrom(DM_REGISTRATION).where(DM_REGISTRATION.DEV_ID.eq(watch))
                .fetchOne();
        assertThat(stored.getCodeHash()).hasSize(64).doesNotContain(code);
        assertThat(h.core.database().dsl().selectFrom(DM_DATA_ITEM).where(DM_DATA_ITEM.DEV_ID.eq(watch)).fetch())
                .allSatisfy(item -> assertThat(item.getContent()).isNull());

        for (int i = 0; i < 5; i++) {
            assertThat(account("carol", "PUT", "/" + watch, "{\"device\":{\"code\":\"" + other(code) + "\"}}")
                    .status()).isEqualTo(400);
        }
        // used up: even the right code is refused now
        assertThat(account("carol", "PUT", "/" + watch, "{\"device\":{\"code\":\"" + code + "\"}}").status())
                .isEqualTo(400);
        assertThat(device("carol", watch).path("binding").asText()).isEqualTo("Unconfirmed");

        // registering again sends a new code (the old one is void)
        assertThat(register("carol", watch, CAROL_LINE).status()).isEqualTo(201);
        String second = codeShownOn(watch, null);
        if (!second.equals(code)) {
            assertThat(account("carol", "PUT", "/" + watch, "{\"device\":{\"code\":\"" + code + "\"}}").status())
                    .isEqualTo(400);
        }
        DmHttp.Resp ok = account("carol", "PUT", "/" + watch, "{\"device\":{\"code\":\"" + second
                + "\",\"name\":\"Kitchen\"}}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().path("device").path("binding").asText()).isEqualTo("Confirmed");
        assertThat(ok.json().path("device").path("name").asText()).isEqualTo("Kitchen");
    }

    @Test
    void unregisteringEndsTheBindingAndCancelsWorkNotYetDelivered() {
        String watch = DmHttp.newDevId();
        assertThat(session(watch, CAROL_LINE).status()).isEqualTo(204);
        assertThat(account("carol", "PUT", "/" + watch, "{\"device\":{\"name\":\"Car\"}}").status()).isEqualTo(200);
        String op = h.retrieve(watch, "", "./DevDetail");
        assertThat(device("carol", watch).path("pendingSessions").asInt()).isEqualTo(1);

        assertThat(account("carol", "DELETE", "/" + watch, null).status()).isEqualTo(204);
        assertThat(account("carol", "GET", "/" + watch, null).status()).isEqualTo(404);
        assertThat(h.state(op)).isEqualTo("Cancelled");
        assertThat(h.pendingIds(watch)).isEmpty();
        assertThat(h.dmwsi("GET", "/devices/" + watch, null, "oma_dmwsi.read").json().path("device").path("binding")
                .asText()).isEqualTo("Unconfirmed");
    }

    @Test
    void deviceTokensAreRefusedOnTheAccountSurfaceAndAccountTokensOnTheDeviceSurface() {
        String watch = DmHttp.newDevId();
        DmHttp.Resp asDevice = h.raw("GET", "/devices", h.deviceToken(watch), null, null, null);
        assertThat(asDevice.status()).isIn(401, 403);
        assertThat(asDevice.body()).contains("requestError");
        DmHttp.Resp registerAsDevice = h.raw("POST", "/devices/new", h.issuer.token(watch, "oma_dm.device oma_dm.account"),
                "application/json", null, ("{\"device\":{\"devId\":\"" + watch + "\",\"line\":\"" + ALICE_LINE + "\"}}")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(registerAsDevice.status()).as("a devId is never an account").isEqualTo(401);

        DmHttp.Resp asAccount = h.raw("POST", "/sessions/next", h.issuer.token("alice", "oma_dm.account"), null, null,
                null);
        assertThat(asAccount.status()).isIn(401, 403);
        assertThat(h.raw("GET", "/devices", null, null, null, null).status()).isEqualTo(401);
    }

    @Test
    void badRequestsGetTheContractsErrorAndChangeNothing() {
        String watch = DmHttp.newDevId();
        DmHttp.Resp unknownElement = account("alice", "POST", "/new", "{\"device\":{\"devId\":\"" + watch
                + "\",\"line\":\"" + ALICE_LINE + "\",\"binding\":\"Confirmed\"}}");
        assertThat(unknownElement.status()).isEqualTo(400);
        assertThat(unknownElement.body()).contains("SVC2005").contains("device.binding");
        DmHttp.Resp notHerLine = register("alice", watch, BOB_LINE);
        assertThat(notHerLine.status()).isEqualTo(404);
        assertThat(notHerLine.body()).contains("SVC0004");
        DmHttp.Resp badLine = register("alice", watch, "tel:12345");
        assertThat(badLine.status()).isEqualTo(400);
        DmHttp.Resp missingLine = account("alice", "POST", "/new", "{\"device\":{\"devId\":\"" + watch + "\"}}");
        assertThat(missingLine.status()).isEqualTo(400);
        assertThat(missingLine.body()).contains("SVC2006");
        assertThat(listed("alice")).doesNotContain(watch);
        assertThat(h.pendingIds(watch)).isEmpty();

        assertThat(register("alice", watch, ALICE_LINE).status()).isEqualTo(201);
        assertThat(account("alice", "PUT", "/" + watch, "{\"device\":{\"name\":\"" + "x".repeat(65) + "\"}}")
                .status()).isEqualTo(400);
        assertThat(account("alice", "PUT", "/" + watch, "{\"device\":{\"code\":\"12ab56\"}}").status()).isEqualTo(400);
        assertThat(device("alice", watch).path("name").asText()).isEqualTo("My watch");
        DmHttp.Resp method = account("alice", "PATCH", "/" + watch, null);
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.header("allow")).isEqualTo("DELETE, GET, PUT");
    }

    private static String other(String code) {
        return code.equals("000000") ? "000001" : "000000";
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
