package org.omatwin.core.twinning.store;

import static org.omatwin.core.store.schema.Tables.SUBSCRIBER_LINE;
import static org.omatwin.core.store.schema.Tables.TWINNING_EVENT;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jooq.DSLContext;
import org.omatwin.core.twinning.portal.SubscriberStore;
import org.omatwin.core.twinning.DeviceAddress;

/** {@link SubscriberStore} on PostgreSQL through jOOQ; bound to one transaction's {@link DSLContext}. */
public final class JooqSubscriberStore implements SubscriberStore {
    private final DSLContext db;

    public JooqSubscriberStore(DSLContext db) {
        this.db = db;
    }

    @Override
    public List<DeviceAddress> linesOf(String subscriberId) {
        return db.select(SUBSCRIBER_LINE.DEVICE_ADDRESS)
                .from(SUBSCRIBER_LINE)
                .where(SUBSCRIBER_LINE.SUBSCRIBER_ID.eq(subscriberId))
                .orderBy(SUBSCRIBER_LINE.DEVICE_ADDRESS)
                .fetch(r -> new DeviceAddress(r.value1()));
    }

    @Override
    public boolean assignLine(String subscriberId, DeviceAddress line, Instant now) {
        return db.insertInto(SUBSCRIBER_LINE)
                .set(SUBSCRIBER_LINE.DEVICE_ADDRESS, line.value())
                .set(SUBSCRIBER_LINE.SUBSCRIBER_ID, subscriberId)
                .set(SUBSCRIBER_LINE.CREATED_AT, now.atOffset(ZoneOffset.UTC))
                .onConflictDoNothing()
                .execute() == 1;
    }

    @Override
    public java.util.Map<DeviceAddress, String> nicknamesOf(String subscriberId) {
        java.util.Map<DeviceAddress, String> out = new java.util.HashMap<>();
        db.select(SUBSCRIBER_LINE.DEVICE_ADDRESS, SUBSCRIBER_LINE.NICKNAME)
                .from(SUBSCRIBER_LINE)
                .where(SUBSCRIBER_LINE.SUBSCRIBER_ID.eq(subscriberId))
                .and(SUBSCRIBER_LINE.NICKNAME.isNotNull())
                .forEach(r -> out.put(new DeviceAddress(r.value1()), r.value2()));
        return out;
    }

    @Override
    public void setNickname(DeviceAddress line, String nickname) {
        db.update(SUBSCRIBER_LINE)
                .set(SUBSCRIBER_LINE.NICKNAME, nickname)
                .where(SUBSCRIBER_LINE.DEVICE_ADDRESS.eq(line.value()))
                .execute();
    }

    @Override
    public List<HistoryEntry> historyOf(String twinningId) {
        return db.selectFrom(TWINNING_EVENT)
                .where(TWINNING_EVENT.TWINNING_ID.eq(twinningId))
                .orderBy(TWINNING_EVENT.ID.desc())
                .fetch(r -> new HistoryEntry(r.getId(), JooqTwinningStore.toDomain(r)));
    }
}
