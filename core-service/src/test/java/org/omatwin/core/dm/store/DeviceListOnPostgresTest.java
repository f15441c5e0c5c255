package org.omatwin.core.dm.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.omatwin.core.dm.DmStore;
import org.omatwin.core.dm.device.DevDetail;
import org.omatwin.core.dm.device.DevId;
import org.omatwin.core.dm.device.DevInfo;
import org.omatwin.core.dm.device.DeviceFilter;
import org.omatwin.core.dm.device.DeviceProfile;
import org.omatwin.core.dm.device.Line;
import org.omatwin.core.infra.storage.Transactions;

/**
 * Filtered device lists and tel: lookups in SQL (DeviceFilterSql) on a real PostgreSQL: every operator,
 * versions ordered as numeric arrays (4.10.0 above 4.9.1, a non-numeric version matching no ordering),
 * wildcards with LIKE's own characters taken literally, values that look like SQL staying values, keyset
 * paging, and for every filter the same devices as the in-memory meaning ({@link DeviceFilter#matches}).
 */
class DeviceListOnPostgresTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00.123456Z");

    private final Transactions<DmStore> tx = DmPostgres.transactions();
    private final List<DeviceProfile> saved = new ArrayList<>();

    @BeforeEach
    void devices() {
        DmPostgres.clear();
        save(1, "Acme", "W1", "phone", "4.9.1", "tel:+447700900001", 0);
        save(2, "Acme", "W1", "phone", "4.10.0", "tel:+447700900002", 10);
        save(3, "Acme", "W2-Pro", "watch", "4.10", null, 20);
        save(4, "Globex", "G%_1", "watch", "10.0", "tel:+331234567", 30);
        save(5, "Globex", "G2", "tablet", "4.2-beta", null, 40);
        save(6, "Acme, Inc. \"EU\"", "X';DROP TABLE dm_device;--", "phone", "99999999999999999999.1", null, 50);
        save(7, null, null, null, null, null, 60);
        // named by an operation, never seen: never listed
        tx.inTransaction(s -> {
            s.lockDevice(DevId.of("urn:imei:356938035600099"), T0);
            return null;
        });
    }

    private void save(int n, String man, String mod, String devTyp, String fwV, String line, int seconds) {
        DeviceProfile p = new DeviceProfile(devId(n), new DevInfo(man, mod, "2.0", "en"),
                new DevDetail(devTyp, man, fwV, "1." + n, "A"), List.of("urn:oma:mo:oma-dm-devinfo:1.0"),
                line == null ? null : Line.parse(line).orElseThrow(), T0.plusSeconds(seconds));
        tx.inTransaction(s -> {
            s.lockDevice(p.devId(), T0);
            s.saveDevice(p);
            return null;
        });
        saved.add(p);
    }

    private static DevId devId(int n) {
        return DevId.of("urn:imei:35693803560000" + n);
    }

    /** The devices (by number) the filter lists, checked against the in-memory meaning. */
    private List<Integer> list(String filter) {
        DeviceFilter f = DeviceFilter.parse(filter);
        List<DeviceProfile> found = page(f, null, 500);
        assertThat(found).as(filter).containsExactlyElementsOf(saved.stream().filter(f::matches)
                .sorted(java.util.Comparator.comparing(p -> p.devId().value())).toList());
        return found.stream().map(p -> Integer.parseInt(p.devId().value().substring(p.devId().value().length() - 1)))
                .toList();
    }

    private List<DeviceProfile> page(DeviceFilter filter, DevId after, int limit) {
        List<DeviceProfile> page = tx.read(s -> s.devices(filter, after, limit));
        return page;
    }

    private java.util.Optional<DevId> onLine(Line line) {
        java.util.Optional<DevId> found = tx.read(s -> s.deviceOnLine(line));
        return found;
    }

    private java.util.Optional<DeviceProfile> find(DevId devId) {
        java.util.Optional<DeviceProfile> found = tx.read(s -> s.findDevice(devId));
        return found;
    }

    @Test
    void eachOperatorInSql() {
        assertThat(list("man==Acme")).containsExactly(1, 2, 3);
        assertThat(list("man!=Acme")).containsExactly(4, 5, 6, 7);
        assertThat(list("devTyp=in=(watch,tablet)")).containsExactly(3, 4, 5);
        assertThat(list("lastSeen=ge=2026-11-22T10:00:30.123456Z")).containsExactly(4, 5, 6, 7);
        assertThat(list("lastSeen=lt=2026-11-22T11:00:10.123456+01:00")).containsExactly(1);
        assertThat(list("lastSeen==2026-11-22T10:00:10.123456Z")).containsExactly(2);
        assertThat(list("binding==Confirmed")).containsExactly(1, 2, 4);
        assertThat(list("binding!=Confirmed")).containsExactly(3, 5, 6, 7);
        assertThat(list("line==tel:+447700900002")).containsExactly(2);
        assertThat(list("line=ge=tel:+447700900002")).containsExactly(2);
        assertThat(list("line!=tel:+447700900002")).containsExactly(1, 3, 4, 5, 6, 7);
        assertThat(list("swV==1.3;hwV==A")).containsExactly(3);
        assertThat(list("man==Globex;devTyp==watch,fwV==4.9.1")).containsExactly(1, 4);
    }

    @Test
    void versionsOrderAsNumbersInSql() {
        assertThat(list("fwV=gt=4.9.1")).containsExactly(2, 3, 4, 6);
        assertThat(list("fwV=lt=4.10.0")).containsExactly(1, 3);
        assertThat(list("fwV=ge=4.10;fwV=le=4.10.0")).containsExactly(2, 3);
        assertThat(list("fwV=gt=99999999999999999999")).containsExactly(6);
        // 4.2-beta is not numeric: no ordering term matches it, equality does
        assertThat(list("fwV=ge=0")).doesNotContain(5);
        assertThat(list("fwV==4.2-beta")).containsExactly(5);
    }

    @Test
    void wildcardsAndQuotedValuesAreValuesOnly() {
        assertThat(list("mod==W*")).containsExactly(1, 2, 3);
        assertThat(list("mod==*Pro")).containsExactly(3);
        // % and _ are LIKE's wildcards in SQL, plain characters in a filter
        assertThat(list("mod==G%_*")).containsExactly(4);
        assertThat(list("mod==G_*")).isEmpty();
        assertThat(list("mod==%*")).isEmpty();
        assertThat(list("line==tel:+4477009000*")).containsExactly(1, 2);
        assertThat(list("man==\"Acme, Inc. \\\"EU\\\"\"")).containsExactly(6);
        assertThat(list("mod==\"X';DROP TABLE dm_device;--\"")).containsExactly(6);
        assertThat(list("man==\"' OR '1'='1\"")).isEmpty();
        assertThat(page(null, null, 500)).hasSize(7);
    }

    @Test
    void pagesFollowTheDevIdOrder() {
        DeviceFilter acme = DeviceFilter.parse("man==Acme*");
        List<DeviceProfile> first = page(acme, null, 2);
        assertThat(first).extracting(DeviceProfile::devId).containsExactly(devId(1), devId(2));
        List<DeviceProfile> second = page(acme, devId(2), 2);
        assertThat(second).extracting(DeviceProfile::devId).containsExactly(devId(3), devId(6));
        assertThat(page(acme, devId(6), 2)).isEmpty();
    }

    @Test
    void aLineNamesTheDeviceMostRecentlySeenOnIt() {
        Line line = Line.parse("tel:+447700900001").orElseThrow();
        assertThat(onLine(line)).contains(devId(1));
        // device 5 proves the same line later: it is the one the line names now
        tx.inTransaction(s -> {
            s.saveDevice(s.findDevice(devId(5)).orElseThrow().started(null, null, null, line, T0.plusSeconds(100)));
            return null;
        });
        assertThat(onLine(line)).contains(devId(5));
        assertThat(find(devId(5)).orElseThrow().line()).isEqualTo(line);
        // a session without a claim keeps the proven line
        tx.inTransaction(s -> {
            s.saveDevice(s.findDevice(devId(5)).orElseThrow().started(null, null, null, null, T0.plusSeconds(200)));
            return null;
        });
        assertThat(find(devId(5)).orElseThrow().line()).isEqualTo(line);
        assertThat(onLine(Line.parse("tel:+447700900999").orElseThrow())).isEmpty();
    }
}
