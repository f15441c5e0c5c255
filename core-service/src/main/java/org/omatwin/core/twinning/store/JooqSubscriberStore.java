package org.omatwin.core.twinning.store;

import static org.omatwin.core.store.schema.Tables.SUBSCRIBER_LINE;
import static org.omatwin.core.store.schema.Tables.TWINNING_EVENT;

import java.util.List;
import org.jooq.DSLContext;
import org.omatwin.core.twinning.portal.SubscriberStore;
import org.omatwin.core.twinning.DeviceAddress;
import org.omatwin.core.subscriber.JooqSubscriberData;

/** {@link SubscriberStore} on PostgreSQL through jOOQ; bound to one transaction's {@link DSLContext}. */
public final class JooqSubscriberStore implements SubscriberStore {
    private final DSLContext db;

    public JooqSubscriberStore(DSLContext db) {
        this.db = db;
    }

    @Override
    public List<DeviceAddress> linesOf(String subscriberId) {
        // provisioned lines are tel: lines, which are device addresses too
        return new JooqSubscriberData(db).linesOf(subscriberId).stream().map(DeviceAddress::new).toList();
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
