package org.omatwin.core.subscriber;

import static org.omatwin.core.infra.storage.SqlTimes.instant;
import static org.omatwin.core.infra.storage.SqlTimes.odt;
import static org.omatwin.core.store.schema.Tables.SUBSCRIBER;
import static org.omatwin.core.store.schema.Tables.SUBSCRIBER_DEVICE;
import static org.omatwin.core.store.schema.Tables.SUBSCRIBER_LINE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** {@link SubscriberData} on PostgreSQL through jOOQ; bound to one transaction's {@link DSLContext}. */
public final class JooqSubscriberData implements SubscriberData {
    /** The advisory lock key of provisioning changes ("prov" in ASCII). */
    private static final long PROVISIONING_LOCK = 0x70726f76L;

    private final DSLContext db;

    public JooqSubscriberData(DSLContext db) {
        this.db = db;
    }

    @Override
    public void lockForProvisioning() {
        db.select(DSL.field("pg_advisory_xact_lock({0})", Object.class, DSL.val(PROVISIONING_LOCK))).fetch();
    }

    @Override
    public Optional<Subscriber> find(String subscriberId) {
        var row = db.selectFrom(SUBSCRIBER).where(SUBSCRIBER.SUBSCRIBER_ID.eq(subscriberId)).fetchOne();
        if (row == null) {
            return Optional.empty();
        }
        Map<String, List<String>> devices = new LinkedHashMap<>();
        db.select(SUBSCRIBER_DEVICE.DEVICE_ADDRESS, SUBSCRIBER_DEVICE.DEV_ID)
                .from(SUBSCRIBER_DEVICE).join(SUBSCRIBER_LINE)
                .on(SUBSCRIBER_LINE.DEVICE_ADDRESS.eq(SUBSCRIBER_DEVICE.DEVICE_ADDRESS))
                .where(SUBSCRIBER_LINE.SUBSCRIBER_ID.eq(subscriberId))
                .orderBy(SUBSCRIBER_DEVICE.DEVICE_ADDRESS, SUBSCRIBER_DEVICE.POSITION)
                .forEach(r -> devices.computeIfAbsent(r.value1(), k -> new ArrayList<>()).add(r.value2()));
        List<Subscriber.SubscriberLine> lines = db.select(SUBSCRIBER_LINE.DEVICE_ADDRESS, SUBSCRIBER_LINE.ICCID)
                .from(SUBSCRIBER_LINE).where(SUBSCRIBER_LINE.SUBSCRIBER_ID.eq(subscriberId))
                .orderBy(SUBSCRIBER_LINE.DEVICE_ADDRESS)
                .fetch(r -> new Subscriber.SubscriberLine(r.value1(), r.value2(),
                        devices.getOrDefault(r.value1(), List.of())));
        return Optional.of(new Subscriber(subscriberId, lines, instant(row.getProvisionedAt())));
    }

    @Override
    public List<String> linesOf(String subscriberId) {
        return db.select(SUBSCRIBER_LINE.DEVICE_ADDRESS).from(SUBSCRIBER_LINE)
                .where(SUBSCRIBER_LINE.SUBSCRIBER_ID.eq(subscriberId))
                .orderBy(SUBSCRIBER_LINE.DEVICE_ADDRESS)
                .fetch(r -> r.value1());
    }

    @Override
    public void replace(Subscriber s) {
        db.insertInto(SUBSCRIBER).set(SUBSCRIBER.SUBSCRIBER_ID, s.subscriberId())
                .set(SUBSCRIBER.PROVISIONED_AT, odt(s.provisionedAt()))
                .onConflict(SUBSCRIBER.SUBSCRIBER_ID).doUpdate()
                .set(SUBSCRIBER.PROVISIONED_AT, odt(s.provisionedAt()))
                .execute();
        List<String> msisdns = s.lines().stream().map(Subscriber.SubscriberLine::msisdn).toList();
        List<String> iccids = s.lines().stream().map(Subscriber.SubscriberLine::iccid)
                .filter(java.util.Objects::nonNull).toList();
        List<String> devIds = s.lines().stream().flatMap(l -> l.devices().stream()).toList();
        // what this subscriber no longer has, and what moves here from others
        db.deleteFrom(SUBSCRIBER_LINE).where(SUBSCRIBER_LINE.SUBSCRIBER_ID.eq(s.subscriberId())
                .and(SUBSCRIBER_LINE.DEVICE_ADDRESS.notIn(msisdns))).execute();
        db.update(SUBSCRIBER_LINE).set(SUBSCRIBER_LINE.ICCID, (String) null)
                .where(SUBSCRIBER_LINE.ICCID.in(iccids)).execute();
        db.deleteFrom(SUBSCRIBER_DEVICE).where(SUBSCRIBER_DEVICE.DEVICE_ADDRESS.in(msisdns)
                .or(SUBSCRIBER_DEVICE.DEV_ID.in(devIds))).execute();
        for (Subscriber.SubscriberLine line : s.lines()) {
            db.insertInto(SUBSCRIBER_LINE)
                    .set(SUBSCRIBER_LINE.DEVICE_ADDRESS, line.msisdn())
                    .set(SUBSCRIBER_LINE.SUBSCRIBER_ID, s.subscriberId())
                    .set(SUBSCRIBER_LINE.ICCID, line.iccid())
                    .set(SUBSCRIBER_LINE.CREATED_AT, odt(s.provisionedAt()))
                    .onConflict(SUBSCRIBER_LINE.DEVICE_ADDRESS).doUpdate()
                    .set(SUBSCRIBER_LINE.SUBSCRIBER_ID, s.subscriberId())
                    .set(SUBSCRIBER_LINE.ICCID, line.iccid())
                    .execute();
            for (int i = 0; i < line.devices().size(); i++) {
                db.insertInto(SUBSCRIBER_DEVICE)
                        .set(SUBSCRIBER_DEVICE.DEV_ID, line.devices().get(i))
                        .set(SUBSCRIBER_DEVICE.DEVICE_ADDRESS, line.msisdn())
                        .set(SUBSCRIBER_DEVICE.POSITION, i)
                        .execute();
            }
        }
    }

    @Override
    public boolean delete(String subscriberId) {
        db.deleteFrom(SUBSCRIBER_LINE).where(SUBSCRIBER_LINE.SUBSCRIBER_ID.eq(subscriberId)).execute();
        return db.deleteFrom(SUBSCRIBER).where(SUBSCRIBER.SUBSCRIBER_ID.eq(subscriberId)).execute() == 1;
    }
}
