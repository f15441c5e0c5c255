package org.omatwin.core.dm.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.data.DataItem;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.http.DmHttp.Resp;
import org.omatwin.core.dm.store.JooqDmStore;

/**
 * {@code POST /alert} and the data repository over HTTP (dm-api.md 2.2, 2.3): a retried alertId counts
 * once, a correlator counts only for the device its command was sent to, alerts are rate-limited; a
 * data item is only its device's, an upload is at most 1 MiB. DMWSI offers only {@code retrieve} so
 * far, which makes neither correlators nor data items: the tests put them in the database the way the
 * planner of {@code firmwareUpdate}/{@code configure} will.
 */
class AlertsAndDataTest {
    private static final String FUMO = "org.openmobilealliance.dm.firmwareupdate.downloadandupdate";

    private static DmHttp dm;
    private static DSLContext db;

    @BeforeAll
    static void start() throws Exception {
        dm = DmHttp.start(Map.of());
        db = dm.core.database().dsl();
    }

    @AfterAll
    static void stop() throws Exception {
        dm.close();
    }

    private static Resp alert(String devId, String alert) {
        return dm.dm(devId, "POST", "/alert", "{\"alert\":" + alert + "}");
    }

    private static int storedAlerts(String devId) {
        return db.fetchCount(DSL.table("dm_alert"), DSL.field("dev_id").eq(devId));
    }

    @Test
    void aRetriedAlertIdCountsOnce() {
        String devId = DmHttp.newDevId();
        String alert = "{\"alertId\":\"a-1\",\"type\":\"urn:oma:dm:alert:fault\",\"mark\":\"critical\","
                + "\"data\":{\"code\":7},\"eventTime\":\"2026-01-01T10:00:00Z\"}";
        assertThat(alert(devId, alert).status()).isEqualTo(202);
        assertThat(alert(devId, alert).status()).isEqualTo(202);
        assertThat(storedAlerts(devId)).isEqualTo(1);
        // a retry costs no allowance: more retries than the burst are all accepted
        for (int i = 0; i < 25; i++) {
            assertThat(alert(devId, alert).status()).isEqualTo(202);
        }
        assertThat(storedAlerts(devId)).isEqualTo(1);
        // another device may use the same alertId
        String other = DmHttp.newDevId();
        assertThat(alert(other, alert).status()).isEqualTo(202);
        assertThat(storedAlerts(other)).isEqualTo(1);
    }

    @Test
    void aCorrelatorCountsOnlyForTheDeviceItsCommandWasSentTo() {
        String devId = DmHttp.newDevId();
        String op = dm.retrieve(devId, "", "./FUMO/1");
        dm.next(devId); // delivered: the command is bound
        String correlator = "c-" + UUID.randomUUID().toString().substring(0, 20);
        assertThat(db.update(DSL.table("dm_command")).set(DSL.field("correlator"), correlator)
                .where(DSL.field("operation_id").eq(op)).execute()).isEqualTo(1);
        JsonNode before = dm.operation(op);
        assertThat(before.path("state").asText()).isEqualTo("Delivered");

        String thief = DmHttp.newDevId();
        String result = "{\"type\":\"" + FUMO + "\",\"uri\":\"./FUMO/1\",\"correlator\":\"" + correlator
                + "\",\"resultCode\":200}";
        assertThat(alert(thief, result).status()).isEqualTo(202);
        assertThat(dm.operation(op)).isEqualTo(before);
        assertThat(db.fetchValue("select operation_id from dm_alert where dev_id = ?", thief)).isNull();

        // the device itself: the alert completes the operation with its result code
        assertThat(alert(devId, result.replace("200", "410")).status()).isEqualTo(202);
        JsonNode after = dm.operation(op);
        assertThat(after.path("state").asText()).isEqualTo("Failed");
        assertThat(after.path("resultCode").asInt()).isEqualTo(410);
    }

    @Test
    void pastTheBurstAlertsAreRefused429WithRetryAfterAndNotStored() {
        String devId = DmHttp.newDevId();
        for (int i = 0; i < 20; i++) {
            Resp r = alert(devId, "{\"type\":\"urn:oma:dm:alert:fault\"}");
            assertThat(r.status()).as("alert " + (i + 1) + ": " + r.body()).isEqualTo(202);
        }
        Resp refused = alert(devId, "{\"alertId\":\"late\",\"type\":\"urn:oma:dm:alert:fault\"}")
                .isError(429, "POL2005");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(storedAlerts(devId)).isEqualTo(20);
        // another device has its own allowance
        assertThat(alert(DmHttp.newDevId(), "{\"type\":\"urn:oma:dm:alert:fault\"}").status()).isEqualTo(202);
    }

    @Test
    void aDataItemIsOnlyItsDevicesAndAnUploadIsAtMostOneMebibyte() {
        String devId = DmHttp.newDevId();
        String op = dm.retrieve(devId, "", "./Settings");
        String value = "d-" + UUID.randomUUID().toString().substring(0, 20);
        String upload = "u-" + UUID.randomUUID().toString().substring(0, 20);
        JooqDmStore store = new JooqDmStore(db);
        store.insertDataItem(new DataItem(value, DevId.of(devId), op, null, DataItem.Kind.VALUE, "text/plain",
                "internet.example".getBytes(StandardCharsets.UTF_8), Instant.now()));
        store.insertDataItem(new DataItem(upload, DevId.of(devId), op, null, DataItem.Kind.UPLOAD, null, null,
                Instant.now()));

        Resp own = dm.dm(devId, "GET", "/data/" + value, null);
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(own.contentType()).startsWith("text/plain");
        assertThat(own.body()).isEqualTo("internet.example");
        assertThat(own.header("Cache-Control")).isEqualTo("no-store");

        String other = DmHttp.newDevId();
        Resp foreign = dm.dm(other, "GET", "/data/" + value, null).isError(404, "SVC2008");
        assertThat(foreign.body()).doesNotContain(devId, "internet.example");
        dm.raw("PUT", "/data/" + upload, dm.deviceToken(other), "text/plain", null, new byte[] {1})
                .isError(404, "SVC2008");
        dm.dm(devId, "GET", "/data/d-unknown", null).isError(404, "SVC2008");
        // an upload item is not readable by the device, a value item not writable
        dm.dm(devId, "GET", "/data/" + upload, null).isError(404, "SVC2008");
        dm.raw("PUT", "/data/" + value, dm.deviceToken(devId), "text/plain", null, new byte[] {1})
                .isError(404, "SVC2008");

        byte[] tooBig = new byte[(1 << 20) + 1];
        dm.raw("PUT", "/data/" + upload, dm.deviceToken(devId), "application/octet-stream", null, tooBig)
                .isError(413, "SVC0002");
        dm.raw("POST", "/data/" + upload, dm.deviceToken(devId), "application/octet-stream", null, tooBig)
                .isError(413, "SVC0002");
        assertThat(db.fetchCount(DSL.table("dm_upload"), DSL.field("item_id").eq(upload))).isZero();

        byte[] exactly = new byte[1 << 20];
        Resp stored = dm.raw("PUT", "/data/" + upload, dm.deviceToken(devId), "application/octet-stream", null,
                exactly);
        assertThat(stored.status()).as(stored.body()).isEqualTo(204);
        assertThat(db.fetchCount(DSL.table("dm_upload"), DSL.field("item_id").eq(upload))).isEqualTo(1);
    }
}
