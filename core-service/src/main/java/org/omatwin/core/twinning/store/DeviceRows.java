package org.omatwin.core.twinning.store;

import static org.omatwin.core.infra.storage.SqlTimes.odt;
import static org.omatwin.core.store.schema.Tables.DEVICE;

import java.time.Instant;
import org.jooq.DSLContext;
import org.omatwin.core.twinning.DeviceAddress;

/** The per-device row whose lock serialises the rules that span a device's relationships. */
final class DeviceRows {
    private DeviceRows() {}

    static void lock(DSLContext db, DeviceAddress device, Instant now) {
        db.insertInto(DEVICE, DEVICE.ADDRESS, DEVICE.CREATED_AT)
                .values(device.value(), odt(now))
                .onConflictDoNothing()
                .execute();
        db.select(DEVICE.ADDRESS).from(DEVICE).where(DEVICE.ADDRESS.eq(device.value())).forUpdate().fetch();
    }
}
